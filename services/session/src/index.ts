export { sessionService } from './service.js';
export { readSessionConfig, type SessionConfig } from './config.js';

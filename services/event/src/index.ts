export { eventService, type EventServiceHooks } from './service.js';
export { readEventConfig, type EventConfig } from './config.js';

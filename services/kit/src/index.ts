/** What every Roomcast service shares: start-up, config, logs, errors, metrics and clients. */
export * from './config.js';
export * from './logger.js';
export * from './errors.js';
export * from './identity.js';
export * from './handlers.js';
export * from './metrics.js';
export * from './service-runtime.js';
export * from './postgres.js';
export * from './redis.js';
export * from './nats.js';
export * from './events.js';
export * from './grpc-client.js';
export * from './pagination.js';
export * from './gauge.js';
export * from './timers.js';
export * from './text.js';
export * from './visible-text.js';

export { realtimeService, type RealtimeService } from './service.js';
export { readRealtimeConfig, type RealtimeConfig } from './config.js';
export { CloseCode, CloseReason } from './close-codes.js';
export { CONNECTIONS_HASH, heartbeatKey } from './connection-ledger.js';
export { ANONYMOUS_USER_BASE } from './session-gateway.js';

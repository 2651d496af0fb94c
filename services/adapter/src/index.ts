export { adapterService, type AdapterService } from './service.js';
export { readAdapterConfig, type AdapterConfig } from './config.js';
export { signWebhook } from './webhook-signature.js';
export { deliveryEventId } from './delivery-event-id.js';
export { MAX_BODY_BYTES } from './webhook-server.js';

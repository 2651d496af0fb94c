/**
 * Roomcast's API: the messages, enums and gRPC stubs generated from proto/api by
 * `npm run gen`, plus the path of the descriptor set Envoy's transcoder reads.
 */
import { fileURLToPath } from 'node:url';

export * from './gen/roomcast/v1/user.js';
export * from './gen/roomcast/v1/room.js';
export * from './gen/roomcast/v1/session.js';
export * from './gen/roomcast/v1/event.js';
export * from './gen/roomcast/v1/aggregation.js';
export * from './gen/roomcast/v1/realtime.js';
export { Status } from './gen/google/rpc/status.js';
export { ErrorInfo, BadRequest } from './gen/google/rpc/error_details.js';

/** Absolute path of the binary FileDescriptorSet for Envoy's gRPC-JSON transcoder. */
export const DESCRIPTOR_SET_PATH = fileURLToPath(new URL('../roomcast.binpb', import.meta.url));

/** The fully qualified gRPC service names, as Envoy's transcoder needs them. */
export const SERVICE_NAMES = [
  'roomcast.v1.UserService',
  'roomcast.v1.RoomService',
  'roomcast.v1.SessionService',
  'roomcast.v1.EventService',
  'roomcast.v1.AggregationService',
  'roomcast.v1.RealtimeService',
] as const;

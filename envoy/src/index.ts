/**
 * @roomcast/envoy: the gateway's Envoy configuration, generated from one route table and checked
 * against Envoy's own API protos.
 */
export { buildGatewayConfig, renderGatewayYaml } from './gateway-config.js';
export {
  KUBERNETES_SERVICE_PREFIX,
  resolveGatewayOptions,
  type GatewayOptions,
  type GatewayPreset,
  type HostPort,
  type ResolvedGatewayOptions,
} from './gateway-options.js';
export {
  ROUTE_TABLE,
  UPSTREAMS,
  transcodedServices,
  type RouteKind,
  type RouteSpec,
  type UpstreamName,
  type UpstreamSpec,
} from './route-table.js';
export {
  CHECKED_REPLIES,
  GRPC_REFUSED_MESSAGE,
  MALFORMED_REQUEST,
  statusReplies,
  type LocalReply,
} from './error-bodies.js';
export { assertMatchesProtos, EnvoyConfigCheckError, protoProblems } from './proto-check.js';
export { EnvoyProtos, envoyProtos } from './envoy-protos.js';
export type { Bootstrap } from './envoy-types.js';

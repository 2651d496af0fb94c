/**
 * The gateway's one route table: which public path goes to which upstream, and how.
 *
 * Everything Envoy needs about routing is derived from the two tables below: the clusters
 * (one per upstream), the routes, which routes the gRPC-JSON transcoder runs on, and which gRPC
 * services it knows. Change a route here, regenerate, and the committed YAML follows.
 */

/** The processes behind the gateway, each one Envoy cluster. */
export type UpstreamName =
  | 'user'
  | 'room'
  | 'session'
  | 'event'
  | 'aggregation'
  | 'realtime'
  | 'realtimeWebsocket'
  | 'adapter';

/** How Envoy talks to an upstream: gRPC over HTTP/2, or plain HTTP/1.1 (WebSocket, webhooks). */
export type UpstreamProtocol = 'grpc' | 'http1';

export interface UpstreamSpec {
  /** The Envoy cluster name (also what access logs show as `upstream_cluster`). */
  cluster: string;
  protocol: UpstreamProtocol;
  /** The chart's Service suffix: `<release fullname>-<service>`. */
  kubernetesService: string;
  /** The port the process listens on inside the cluster. */
  kubernetesPort: number;
  /** The port `roomcast up` gives it on a laptop unless told otherwise. */
  localPort: number;
}

export const UPSTREAMS: Readonly<Record<UpstreamName, UpstreamSpec>> = {
  user: grpcUpstream('user', 50051),
  room: grpcUpstream('room', 50052),
  session: grpcUpstream('session', 50053),
  event: grpcUpstream('event', 50054),
  aggregation: grpcUpstream('aggregation', 50055),
  realtime: grpcUpstream('realtime', 50056),
  realtimeWebsocket: {
    cluster: 'realtime_websocket',
    protocol: 'http1',
    kubernetesService: 'realtime',
    kubernetesPort: 8081,
    localPort: 8081,
  },
  adapter: {
    cluster: 'adapter_http',
    protocol: 'http1',
    kubernetesService: 'adapter',
    kubernetesPort: 8082,
    localPort: 8082,
  },
};

/**
 * What a route does with a request:
 * - `transcoded`: REST JSON turned into a unary gRPC call by the transcoder;
 * - `transcodedStream`: the same for a server-streaming RPC, so no overall route timeout;
 * - `websocket`: an HTTP/1.1 upgrade passed through to the upstream as a raw byte stream;
 * - `http`: plain HTTP proxied as is (no transcoding), with the request body size limit.
 */
export type RouteKind = 'transcoded' | 'transcodedStream' | 'websocket' | 'http';

export interface RouteSpec {
  /** Path prefix matched on the incoming request (before any transcoding). */
  prefix: string;
  upstream: UpstreamName;
  kind: RouteKind;
  /** The fully qualified gRPC service behind a transcoded route. */
  grpcService?: string;
}

/**
 * The public routes, most specific first (Envoy takes the first match). A path none of them
 * matches is a JSON 404 naming the path; a gRPC-framed request matches none of them on purpose.
 */
export const ROUTE_TABLE: readonly RouteSpec[] = [
  transcoded('/v1/users', 'user', 'roomcast.v1.UserService'),
  transcoded('/v1/rooms', 'room', 'roomcast.v1.RoomService'),
  transcoded('/v1/sessions', 'session', 'roomcast.v1.SessionService'),
  transcoded('/v1/events', 'event', 'roomcast.v1.EventService'),
  transcoded('/v1/aggregation', 'aggregation', 'roomcast.v1.AggregationService'),
  {
    prefix: '/v1/realtime/sessions/',
    upstream: 'realtime',
    kind: 'transcodedStream',
    grpcService: 'roomcast.v1.RealtimeService',
  },
  transcoded('/v1/realtime', 'realtime', 'roomcast.v1.RealtimeService'),
  { prefix: '/ws/sessions/', upstream: 'realtimeWebsocket', kind: 'websocket' },
  { prefix: '/webhooks/', upstream: 'adapter', kind: 'http' },
];

/** The gRPC services the transcoder serves, in route-table order, each once. */
export function transcodedServices(routes: readonly RouteSpec[] = ROUTE_TABLE): string[] {
  const services = routes.flatMap((route) => (route.grpcService ? [route.grpcService] : []));
  return [...new Set(services)];
}

/** True for routes whose requests go through the gRPC-JSON transcoder. */
export function isTranscoded(route: RouteSpec): boolean {
  return route.kind === 'transcoded' || route.kind === 'transcodedStream';
}

function grpcUpstream(service: string, localPort: number): UpstreamSpec {
  return {
    cluster: `${service}_grpc`,
    protocol: 'grpc',
    kubernetesService: service,
    kubernetesPort: 50051,
    localPort,
  };
}

function transcoded(prefix: string, upstream: UpstreamName, grpcService: string): RouteSpec {
  return { prefix, upstream, kind: 'transcoded', grpcService };
}

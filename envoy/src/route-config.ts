/**
 * Turns the route table into Envoy routes: gRPC-framed requests refused first, then the table's
 * routes in order, then a catch-all 404 (error-bodies.ts words it as
 * `{"code":5,"reason":"ROUTE_NOT_FOUND","message":"no route for <path>"}`).
 */
import {
  TYPE_URL,
  typed,
  type Duration,
  type PerFilterConfig,
  type RetryPolicy,
  type Route,
  type RouteConfiguration,
} from './envoy-types.js';
import { GRPC_REFUSED_MESSAGE, REASON_NAMESPACE } from './error-bodies.js';
import type { ResolvedGatewayOptions } from './gateway-options.js';
import { buildCorsPolicy, FILTER } from './http-filters.js';
import { ROUTE_TABLE, UPSTREAMS, type RouteSpec } from './route-table.js';

/**
 * Retries only what never reached the service: the connection was refused or failed, the
 * upstream refused the HTTP/2 stream, or the stream was reset before the request went out. A
 * POST is as safe to retry as a GET then, and a restarting service is waited out for about a
 * second before the client sees a 503.
 */
export const CONNECT_RETRY_POLICY: RetryPolicy = {
  retry_on: 'connect-failure,refused-stream,reset-before-request',
  num_retries: 3,
  retry_back_off: { base_interval: '0.1s', max_interval: '0.5s' },
};

/** Builds the one virtual host of the public listener. */
export function buildRouteConfig(options: ResolvedGatewayOptions): RouteConfiguration {
  const cors = buildCorsPolicy(options.corsAllowedOrigins);
  const routes = [refuseGrpc(), ...ROUTE_TABLE.map((spec) => buildRoute(spec, options)), noRoute()];

  return {
    name: 'public',
    virtual_hosts: [
      {
        name: 'roomcast',
        domains: ['*'],
        routes,
        ...(cors && {
          typed_per_filter_config: { [FILTER.cors]: typed(TYPE_URL.corsPolicy, cors) },
        }),
      },
    ],
  };
}

/**
 * Internal RPCs (SessionService.SignalUserPresence, UpdateSessionAggregates) have no HTTP rule,
 * so no REST path reaches them; refusing every gRPC-framed request keeps them, and any RPC added
 * later, off the public listener. A gRPC client sees PERMISSION_DENIED.
 */
function refuseGrpc(): Route {
  return {
    name: 'refuse-grpc',
    match: { prefix: '/', grpc: {} },
    direct_response: { status: 403, body: { inline_string: GRPC_REFUSED_MESSAGE } },
  };
}

/** Everything no other route took. The transcoder is off so its own 404 does not answer first. */
function noRoute(): Route {
  return {
    name: 'no-route',
    match: { prefix: '/' },
    direct_response: { status: 404, body: { inline_string: 'no route' } },
    typed_per_filter_config: disable(FILTER.transcoder, FILTER.bodyCheck),
  };
}

function buildRoute(spec: RouteSpec, options: ResolvedGatewayOptions): Route {
  // Names the service in a 503's message (error-bodies.ts).
  const service = UPSTREAMS[spec.upstream].kubernetesService;
  return {
    ...routeFor(spec, options),
    metadata: { filter_metadata: { [REASON_NAMESPACE]: { service } } },
  };
}

function routeFor(spec: RouteSpec, options: ResolvedGatewayOptions): Route {
  const cluster = UPSTREAMS[spec.upstream].cluster;
  const name = `${spec.kind}:${spec.prefix}`;
  const retry_policy = CONNECT_RETRY_POLICY;
  switch (spec.kind) {
    case 'transcoded':
      return {
        name,
        // `/v1/users` and `/v1/users/...`, never `/v1/usersx`.
        match: { path_separated_prefix: spec.prefix },
        route: { cluster, timeout: seconds(options.routeTimeoutMs), retry_policy },
      };
    case 'transcodedStream':
      return {
        name,
        match: { prefix: spec.prefix },
        // A stream lasts as long as the client wants; only silence ends it.
        route: {
          cluster,
          timeout: '0s',
          idle_timeout: seconds(options.streamIdleTimeoutMs),
          retry_policy,
        },
      };
    case 'websocket':
      return {
        name,
        match: { prefix: spec.prefix },
        route: {
          cluster,
          // A socket's life is bounded by silence (idle_timeout), never by age. Envoy 1.37 already
          // stops the route timeout once the upgrade is answered; 0s keeps that so if it changes.
          timeout: '0s',
          idle_timeout: seconds(options.websocketIdleTimeoutMs),
          upgrade_configs: [{ upgrade_type: 'websocket' }],
        },
        // An upgrade request never ends, so the buffer would hold it forever.
        typed_per_filter_config: disable(FILTER.transcoder, FILTER.bodyCheck, FILTER.buffer),
      };
    case 'http':
      return {
        name,
        match: { prefix: spec.prefix },
        route: { cluster, timeout: seconds(options.routeTimeoutMs), retry_policy },
        typed_per_filter_config: disable(FILTER.transcoder, FILTER.bodyCheck),
      };
  }
}

/** Switches filters of the chain off for one route. */
function disable(...filterNames: string[]): PerFilterConfig {
  const off = typed(TYPE_URL.filterConfig, { disabled: true });
  return Object.fromEntries(filterNames.map((name) => [name, off]));
}

/** Milliseconds as a protobuf Duration. */
export function seconds(ms: number): Duration {
  return `${ms / 1000}s`;
}

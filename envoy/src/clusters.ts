/**
 * One Envoy cluster per upstream in the route table: HTTP/2 for the gRPC services, HTTP/1.1 for
 * Realtime's WebSocket port and the Adapter's webhooks.
 */
import { isIP } from 'node:net';
import { TYPE_URL, typed, type Cluster, type HealthCheck } from './envoy-types.js';
import type { HostPort, ResolvedGatewayOptions } from './gateway-options.js';
import { UPSTREAMS, type UpstreamName, type UpstreamSpec } from './route-table.js';

/** Builds the clusters of every upstream, in route-table order. */
export function buildClusters(options: ResolvedGatewayOptions): Cluster[] {
  return (Object.keys(UPSTREAMS) as UpstreamName[]).map((name) =>
    buildCluster(UPSTREAMS[name], options.upstreams[name], options.healthChecks),
  );
}

function buildCluster(spec: UpstreamSpec, address: HostPort, healthChecks: boolean): Cluster {
  // An IP literal needs no resolver; a name (a Kubernetes Service) is re-resolved as it changes.
  const literal = isIP(address.host) !== 0;
  const cluster: Cluster = {
    name: spec.cluster,
    type: literal ? 'STATIC' : 'STRICT_DNS',
    connect_timeout: '2s',
    lb_policy: 'ROUND_ROBIN',
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': typed(
        TYPE_URL.httpProtocolOptions,
        { explicit_http_config: protocolConfig(spec) },
      ),
    },
    load_assignment: {
      cluster_name: spec.cluster,
      endpoints: [
        {
          lb_endpoints: [
            {
              endpoint: {
                address: { socket_address: { address: address.host, port_value: address.port } },
              },
            },
          ],
        },
      ],
    },
  };

  if (!literal) cluster.dns_lookup_family = 'V4_PREFERRED';
  if (healthChecks) cluster.health_checks = [healthCheck(spec)];
  return cluster;
}

function protocolConfig(spec: UpstreamSpec) {
  if (spec.protocol === 'http1') return { http_protocol_options: {} };

  // HTTP/2 pings find a dead upstream connection before a request is lost on it.
  return {
    http2_protocol_options: { connection_keepalive: { interval: '30s', timeout: '5s' } },
  } as const;
}

/** gRPC upstreams answer the standard health service; the HTTP/1.1 ones are probed by connect. */
function healthCheck(spec: UpstreamSpec): HealthCheck {
  const probe = spec.protocol === 'grpc' ? { grpc_health_check: {} } : { tcp_health_check: {} };
  return {
    timeout: '1s',
    interval: '5s',
    unhealthy_threshold: 3,
    healthy_threshold: 1,
    ...probe,
  };
}

/**
 * The gateway's Envoy bootstrap: built as typed objects from the route table and options,
 * checked against Envoy's protos, and written as YAML.
 */
import { stringify } from 'yaml';
import { buildAccessLog } from './access-log.js';
import { buildClusters } from './clusters.js';
import { TYPE_URL, typed, type Bootstrap, type HttpConnectionManager } from './envoy-types.js';
import { buildLocalReplyConfig } from './error-bodies.js';
import {
  resolveGatewayOptions,
  type GatewayOptions,
  type ResolvedGatewayOptions,
} from './gateway-options.js';
import { buildHttpFilters } from './http-filters.js';
import { assertMatchesProtos } from './proto-check.js';
import { buildRouteConfig, seconds } from './route-config.js';

const BOOTSTRAP_TYPE = 'envoy.config.bootstrap.v3.Bootstrap';

/**
 * Builds the bootstrap for these options and checks it against Envoy's protos.
 * @throws EnvoyConfigCheckError naming every field Envoy would not parse.
 */
export function buildGatewayConfig(options: GatewayOptions = {}): Bootstrap {
  const resolved = resolveGatewayOptions(options);
  const bootstrap: Bootstrap = {
    node: { id: 'roomcast-gateway', cluster: 'roomcast' },
    admin: { address: socketAddress(resolved.admin) },
    static_resources: {
      listeners: [
        {
          name: 'public',
          address: socketAddress(resolved.listener),
          // Flow control per connection; the body size limit is enforced by the filters.
          per_connection_buffer_limit_bytes: 64 * 1024,
          filter_chains: [
            {
              filters: [
                {
                  name: 'envoy.filters.network.http_connection_manager',
                  typed_config: typed(TYPE_URL.httpConnectionManager, connectionManager(resolved)),
                },
              ],
            },
          ],
        },
      ],
      clusters: buildClusters(resolved),
    },
  };

  assertMatchesProtos(BOOTSTRAP_TYPE, bootstrap);
  return bootstrap;
}

/** The bootstrap as YAML, with a header saying where it came from. */
export function renderGatewayYaml(options: GatewayOptions = {}): string {
  const bootstrap = buildGatewayConfig(options);
  const preset = options.preset ?? 'local';
  const header = [
    `# Roomcast gateway (Envoy bootstrap), preset ${preset}. Generated; do not edit by hand.`,
    `# Regenerate: npx tsx envoy/src/main.ts --preset ${preset} --out <this file>`,
    '',
  ].join('\n');

  // lineWidth 0: the inline descriptor set stays on one line instead of folding.
  return header + stringify(bootstrap, { lineWidth: 0 });
}

function connectionManager(options: ResolvedGatewayOptions): HttpConnectionManager {
  return {
    stat_prefix: 'public',
    codec_type: 'AUTO',
    // The edge: x-forwarded-for and x-request-id from outside are not trusted.
    use_remote_address: true,
    generate_request_id: true,
    always_set_request_id_in_response: true,
    normalize_path: true,
    merge_slashes: true,
    stream_idle_timeout: seconds(options.streamIdleTimeoutMs),
    request_headers_timeout: '10s',
    common_http_protocol_options: { idle_timeout: '300s' },
    route_config: buildRouteConfig(options),
    http_filters: buildHttpFilters(options),
    access_log: buildAccessLog(),
    local_reply_config: buildLocalReplyConfig(options),
  };
}

function socketAddress({ host, port }: { host: string; port: number }) {
  return { socket_address: { address: host, port_value: port } };
}

import { describe, expect, it } from 'vitest';
import { buildGatewayConfig, protoProblems } from '@roomcast/envoy';

const BOOTSTRAP = 'envoy.config.bootstrap.v3.Bootstrap';

// The tests break the config on purpose, in ways its types exist to forbid.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

/** A deep copy of the local gateway config, to break on purpose. */
function gatewayConfig(): Loose {
  return structuredClone(buildGatewayConfig({ preset: 'local' })) as Loose;
}

function connectionManager(config: Loose): Loose {
  return config.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
}

describe('proto check', () => {
  it('proto check - accepts the generated config of both presets', () => {
    for (const preset of ['local', 'kubernetes'] as const) {
      expect(protoProblems(BOOTSTRAP, buildGatewayConfig({ preset }))).toEqual([]);
    }
  });

  it('proto check - names a misspelt field by its path, inside an Any, with a suggestion', () => {
    const config = gatewayConfig();
    const route = connectionManager(config).route_config.virtual_hosts[0].routes[1].route;
    route.timeot = route.timeout;

    expect(protoProblems(BOOTSTRAP, config)).toEqual([
      'static_resources.listeners[0].filter_chains[0].filters[0].typed_config' +
        '<HttpConnectionManager>.route_config.virtual_hosts[0].routes[1].route.timeot: ' +
        'unknown field of envoy.config.route.v3.RouteAction (did you mean "timeout"?)',
    ]);
  });

  it('proto check - refuses values of the wrong type, naming each path', () => {
    const config = gatewayConfig();
    config.static_resources.clusters[0].connect_timeout = 2;
    config.static_resources.listeners[0].address.socket_address.port_value = '8080';
    config.admin.address.socket_address.port_value = -1;

    expect(protoProblems(BOOTSTRAP, config)).toEqual([
      'admin.address.socket_address.port_value: -1 is out of range for uint32',
      'static_resources.listeners[0].address.socket_address.port_value: ' +
        'expected a uint32 integer, got "8080"',
      'static_resources.clusters[0].connect_timeout: expected a duration such as "15s", got 2',
    ]);
  });

  it('proto check - refuses an unknown enum value and a list where one value belongs', () => {
    const config = gatewayConfig();
    config.static_resources.clusters[0].lb_policy = 'ROUND_AND_ROUND';
    connectionManager(config).stat_prefix = ['public'];

    const problems = protoProblems(BOOTSTRAP, config);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/stat_prefix: expected a string, got a list$/);
    expect(problems[1]).toMatch(
      /^static_resources\.clusters\[0\]\.lb_policy: "ROUND_AND_ROUND" is not a LbPolicy \(one of /,
    );
  });

  it('proto check - checks typed_config against the message its @type names', () => {
    const config = gatewayConfig();
    const filters = connectionManager(config).http_filters;
    const transcoder = filters.find((filter: Loose) => filter.name.includes('transcoder'));
    transcoder.typed_config.convert_grpc_status = 'yes';
    filters[0].typed_config['@type'] =
      'type.googleapis.com/envoy.extensions.filters.http.nope.v3.Nope';

    const problems = protoProblems(BOOTSTRAP, config);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /http_filters\[0\]\.typed_config\[@type\]: no message envoy\.extensions\.filters\.http\.nope\.v3\.Nope/,
    );
    expect(problems[1]).toMatch(
      /typed_config<GrpcJsonTranscoder>\.convert_grpc_status: expected true or false, got "yes"$/,
    );
  });

  it('proto check - buildGatewayConfig refuses options Envoy could not use', () => {
    expect(() => buildGatewayConfig({ listener: { port: 70_000 } })).toThrow(
      /listener: port 70000/,
    );
    expect(() => buildGatewayConfig({ websocketIdleTimeoutMs: 0 })).toThrow(
      /websocketIdleTimeoutMs: 0 is not a positive/,
    );
  });
});

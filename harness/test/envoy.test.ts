import { describe, expect, it } from 'vitest';
import { EnvoyConfigError, freePort, startEnvoy, validateEnvoyConfig } from '../src/index.js';

const HTTP_CONNECTION_MANAGER =
  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3' +
  '.HttpConnectionManager';

/** A listener on `port` that answers every request with a fixed body. */
function directResponseConfig(port: number, body: string): string {
  return `
static_resources:
  listeners:
    - name: http
      address: { socket_address: { address: 127.0.0.1, port_value: ${port} } }
      filter_chains:
        - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": ${HTTP_CONNECTION_MANAGER}
                stat_prefix: ingress
                route_config:
                  virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes:
                        - match: { prefix: "/" }
                          direct_response: { status: 200, body: { inline_string: "${body}" } }
                http_filters:
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
`;
}

describe('envoy', { timeout: 60_000 }, () => {
  it('rejects a broken config with Envoy’s own message', async () => {
    const broken = 'static_resources:\n  clusters:\n    - name: api\n      typo_field: 1\n';

    const rejection = validateEnvoyConfig(broken);

    await expect(rejection).rejects.toBeInstanceOf(EnvoyConfigError);
    await expect(rejection).rejects.toThrow(/no such field: 'typo_field'/);
  });

  it('accepts a valid config', async () => {
    await expect(validateEnvoyConfig(directResponseConfig(10_000, 'ok'))).resolves.toBeUndefined();
  });

  it('starts, reports LIVE on /ready and serves its listener', async () => {
    const port = await freePort();
    const envoy = await startEnvoy({ configYaml: directResponseConfig(port, 'hello from envoy') });
    try {
      const ready = await fetch(`${envoy.adminUrl}/ready`);
      expect(await ready.text()).toBe('LIVE\n');

      const response = await fetch(`http://127.0.0.1:${port}/v1/rooms`);
      expect(await response.text()).toBe('hello from envoy');
    } finally {
      await envoy.stop();
    }
  });

  it('runs two instances side by side', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const envoys = await Promise.all([
      startEnvoy({ configYaml: directResponseConfig(portA, 'a') }),
      startEnvoy({ configYaml: directResponseConfig(portB, 'b') }),
    ]);
    try {
      expect(envoys[0].adminPort).not.toBe(envoys[1].adminPort);
      expect(await (await fetch(`http://127.0.0.1:${portA}/`)).text()).toBe('a');
      expect(await (await fetch(`http://127.0.0.1:${portB}/`)).text()).toBe('b');
    } finally {
      await Promise.all(envoys.map((envoy) => envoy.stop()));
    }
  });
});

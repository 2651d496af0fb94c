import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EnvoyConfigError, validateEnvoyConfig } from '@roomcast/harness';
import { KUBERNETES_SERVICE_PREFIX, renderGatewayYaml } from '@roomcast/envoy';

describe('envoy --mode validate', () => {
  it('gateway config - the real Envoy accepts the local preset', async () => {
    await expect(
      validateEnvoyConfig(renderGatewayYaml({ preset: 'local' })),
    ).resolves.toBeUndefined();
  });

  it('gateway config - the real Envoy accepts the kubernetes preset as Helm renders it', async () => {
    const yaml = renderGatewayYaml({ preset: 'kubernetes', healthChecks: true });
    // What `tpl` makes of the chart's file for a release called roomcast.
    const rendered = yaml.replaceAll(KUBERNETES_SERVICE_PREFIX, 'roomcast');

    expect(rendered).toContain("address: 'roomcast-user'");
    await expect(validateEnvoyConfig(rendered)).resolves.toBeUndefined();
  });

  it('gateway config - the kubernetes preset holds no Helm template but the Service names', () => {
    const yaml = renderGatewayYaml({ preset: 'kubernetes' });
    const templates = yaml.match(/\{\{.*?\}\}/g) ?? [];

    expect(templates.length).toBe(8);
    expect(new Set(templates)).toEqual(new Set([KUBERNETES_SERVICE_PREFIX]));
  });

  it('gateway config - the chart ships exactly what the generator makes', () => {
    const shipped = new URL('../../charts/roomcast/files/envoy.yaml', import.meta.url);

    // If this fails: npx tsx envoy/src/main.ts --preset kubernetes --out charts/roomcast/files/envoy.yaml
    expect(readFileSync(shipped, 'utf8')).toBe(renderGatewayYaml({ preset: 'kubernetes' }));
  });

  it('gateway config - the real Envoy refuses a config the generator did not make', async () => {
    const broken = renderGatewayYaml({ preset: 'local' }).replace('timeout: 15s', 'timeout: soon');
    await expect(validateEnvoyConfig(broken)).rejects.toBeInstanceOf(EnvoyConfigError);
  });
});

/**
 * Writes the gateway's Envoy config:
 *   npx tsx envoy/src/main.ts --out envoy.yaml [--preset local|kubernetes]
 *     [--listen host:port] [--upstream user=host:port ...]
 * The Helm chart's files/envoy.yaml is this with `--preset kubernetes`.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { GatewayOptions, GatewayPreset, HostPort } from './gateway-options.js';
import { renderGatewayYaml } from './gateway-config.js';
import { UPSTREAMS, type UpstreamName } from './route-table.js';

function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      preset: { type: 'string', default: 'local' },
      listen: { type: 'string' },
      upstream: { type: 'string', multiple: true, default: [] },
    },
  });
  if (!values.out) throw new UsageError('--out <file> is required');

  const options: GatewayOptions = {
    preset: presetOf(values.preset),
    upstreams: Object.fromEntries(values.upstream.map(upstreamOf)),
  };
  if (values.listen) options.listener = hostPortOf('--listen', values.listen);

  writeFileSync(values.out, renderGatewayYaml(options));
  process.stdout.write(`wrote ${values.out} (preset ${options.preset})\n`);
}

class UsageError extends Error {}

function presetOf(value: string): GatewayPreset {
  if (value === 'local' || value === 'kubernetes') return value;
  throw new UsageError(`--preset must be local or kubernetes, not "${value}"`);
}

function upstreamOf(value: string): [UpstreamName, HostPort] {
  const [name, address] = value.split('=', 2);
  if (!(name in UPSTREAMS) || !address) {
    const names = Object.keys(UPSTREAMS).join(', ');
    throw new UsageError(`--upstream takes <name>=<host>:<port> with a name among ${names}`);
  }
  return [name as UpstreamName, hostPortOf('--upstream', address)];
}

function hostPortOf(flag: string, value: string): HostPort {
  const match = /^(.+):(\d+)$/.exec(value);
  if (!match) throw new UsageError(`${flag} takes <host>:<port>, not "${value}"`);
  return { host: match[1], port: Number(match[2]) };
}

try {
  main();
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`envoy config: ${message}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
}

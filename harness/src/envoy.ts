/**
 * A real Envoy, for checking generated configs and for routing tests and the local stack.
 *
 * The caller's config chooses the listeners; the harness owns the admin interface, which it
 * puts on a loopback port of its choosing (merged over any `admin` in the config) so it can
 * tell when Envoy is ready. Each instance gets its own `--base-id` and hot restart is off, so
 * several Envoys run side by side.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { locateBinary } from './binaries.js';
import { freePort } from './free-port.js';
import { launchServer } from './launch-server.js';
import { messageOf, runToCompletion, tailLog } from './process.js';
import { createScratchDir, removeScratchDir } from './scratch-dir.js';

/** Thrown when Envoy rejects a config; the message carries Envoy's own words. */
export class EnvoyConfigError extends Error {
  readonly code = 'HARNESS_ENVOY_CONFIG_INVALID';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EnvoyConfigError';
  }
}

/** Options of `startEnvoy`. */
export interface EnvoyOptions {
  /** A complete bootstrap config in YAML (static resources, listeners, clusters). */
  configYaml: string;
  /** Admin port on 127.0.0.1. Default: a free port. */
  adminPort?: number;
  /** Worker threads. Default: 1 (tests run on small machines). */
  concurrency?: number;
  /** Envoy's `--log-level`. Default: `info`. */
  logLevel?: 'trace' | 'debug' | 'info' | 'warning' | 'error' | 'critical' | 'off';
  /** File that receives Envoy's output. Default: a temp file removed on stop. */
  logPath?: string;
  /** How long to wait for `/ready` to say LIVE. Default: 30 000 ms. */
  readyTimeoutMs?: number;
}

/** A running Envoy. */
export interface EnvoyServer {
  /** `http://127.0.0.1:<adminPort>` */
  readonly adminUrl: string;
  readonly adminPort: number;
  readonly logPath: string;
  stop(): Promise<void>;
}

/**
 * Checks a bootstrap config with `envoy --mode validate`, which parses it and builds every
 * listener, route and cluster without binding a port.
 * @throws EnvoyConfigError with Envoy's message when the config is rejected.
 */
export async function validateEnvoyConfig(configYaml: string): Promise<void> {
  const scratch = await createScratchDir('envoy-validate');
  const configPath = join(scratch, 'envoy.yaml');
  const logPath = join(scratch, 'envoy.log');
  const validate = {
    name: 'envoy --mode validate',
    command: locateBinary('envoy'),
    args: ['--mode', 'validate', '-c', configPath, ...isolationArgs()],
    logPath,
  };

  try {
    await writeFile(configPath, configYaml);
  } catch (error) {
    await removeScratchDir(scratch);
    throw new Error(`writing the Envoy config to validate to ${configPath}`, { cause: error });
  }

  try {
    await runToCompletion(validate);
  } catch (error) {
    throw new EnvoyConfigError(`Envoy rejected the config: ${envoyComplaint(logPath, error)}`, {
      cause: error,
    });
  } finally {
    await removeScratchDir(scratch);
  }
}

/** Starts Envoy and resolves once its admin `/ready` answers LIVE. */
export async function startEnvoy(options: EnvoyOptions): Promise<EnvoyServer> {
  const scratch = await createScratchDir('envoy');
  const configPath = join(scratch, 'envoy.yaml');
  const logPath = options.logPath ?? join(scratch, 'envoy.log');
  const adminPort = options.adminPort ?? (await freePort());
  const adminUrl = `http://127.0.0.1:${adminPort}`;

  try {
    await writeFile(configPath, options.configYaml);
    const stop = await launchServer({
      name: 'envoy',
      command: locateBinary('envoy'),
      args: [
        ...['-c', configPath, '--config-yaml', adminOverride(adminPort)],
        ...['--concurrency', String(options.concurrency ?? 1)],
        ...['--log-level', options.logLevel ?? 'info'],
        ...isolationArgs(),
      ],
      logPath,
      probe: () => isLive(adminUrl),
      readyTimeoutMs: options.readyTimeoutMs,
      scratchDir: scratch,
    });
    return { adminUrl, adminPort, logPath, stop };
  } catch (error) {
    throw new Error(`starting Envoy with admin on ${adminUrl}: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

let instances = 0;

/**
 * A base id of its own for every Envoy this process runs, and no hot restart: either alone
 * keeps concurrent Envoys from clashing over shared memory and the hot-restart socket.
 */
function isolationArgs(): string[] {
  instances += 1;
  const baseId = (process.pid % 100_000) * 100 + (instances % 100);
  return ['--base-id', String(baseId), '--disable-hot-restart'];
}

function adminOverride(adminPort: number): string {
  return `{admin: {address: {socket_address: {address: 127.0.0.1, port_value: ${adminPort}}}}}`;
}

async function isLive(adminUrl: string): Promise<boolean> {
  const response = await fetch(`${adminUrl}/ready`, { signal: AbortSignal.timeout(1_000) });
  return response.ok && (await response.text()).trim() === 'LIVE';
}

/**
 * Envoy's own error lines from its log, without the timestamp and source-location prefix:
 * `[2026-...][123][critical][main] [source/server/...:76] error initializing configuration ...`
 */
function envoyComplaint(logPath: string, error: unknown): string {
  const prefix = /^\[[^\]]*\]\[\d+\]\[(?:critical|error)\]\[[^\]]*\] (?:\[[^\]]*\] )?/;
  const complaints = tailLog(logPath, 50)
    .split('\n')
    .filter((line) => prefix.test(line))
    // Protobuf pads its parse errors with a random number of spaces so nobody matches on them;
    // one space each keeps the message readable and greppable.
    .map((line) => line.replace(prefix, '').replace(/ {2,}/g, ' '));

  return complaints.length > 0 ? complaints.join('\n') : messageOf(error);
}

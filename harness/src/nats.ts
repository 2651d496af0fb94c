/**
 * A real NATS server with JetStream on 127.0.0.1, for tests and the local stack.
 */
import { join } from 'node:path';
import { locateBinary } from './binaries.js';
import { freePort } from './free-port.js';
import { launchServer } from './launch-server.js';
import { messageOf } from './process.js';
import { createScratchDir } from './scratch-dir.js';
import { readFirstLine } from './tcp-probe.js';

/** Options of `startNats`. */
export interface NatsOptions {
  /**
   * Persistent JetStream store dir, kept on stop. Default: a temp dir removed on stop.
   */
  dataDir?: string;
  /** Client port on 127.0.0.1. Default: a free port. */
  port?: number;
  /** Serve the HTTP monitoring endpoints (`/varz`, `/jsz`, ...) on loopback. Default: false. */
  monitor?: boolean;
  /** File that receives the server's output. Default: a temp file removed on stop. */
  logPath?: string;
  /** How long to wait for the server to greet clients. Default: 15 000 ms. */
  readyTimeoutMs?: number;
}

/** A running NATS server. */
export interface NatsServer {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>` when `monitor` was asked for. */
  readonly monitorUrl: string | undefined;
  /** Where JetStream keeps its streams. */
  readonly storeDir: string;
  readonly logPath: string;
  /** Stops the server; removes the store dir if it was temporary. */
  stop(): Promise<void>;
}

/** Starts nats-server with JetStream and resolves once it greets clients with JetStream on. */
export async function startNats(options: NatsOptions = {}): Promise<NatsServer> {
  const scratch = await createScratchDir('nats');
  const storeDir = options.dataDir ?? join(scratch, 'jetstream');
  const logPath = options.logPath ?? join(scratch, 'nats-server.log');
  const port = options.port ?? (await freePort());
  const monitorPort = options.monitor ? await freePort() : undefined;

  try {
    const stop = await launchServer({
      name: 'nats-server',
      command: locateBinary('nats-server'),
      args: serverArgs({ port, monitorPort, storeDir }),
      logPath,
      probe: () => greetsWithJetStream(port),
      readyTimeoutMs: options.readyTimeoutMs ?? 15_000,
      scratchDir: scratch,
    });
    const monitorUrl = monitorPort === undefined ? undefined : `http://127.0.0.1:${monitorPort}`;
    return { url: `nats://127.0.0.1:${port}`, port, monitorUrl, storeDir, logPath, stop };
  } catch (error) {
    throw new Error(
      `starting nats-server on 127.0.0.1:${port} with store dir ${storeDir}: ${messageOf(error)}`,
      { cause: error },
    );
  }
}

function serverArgs(options: {
  port: number;
  monitorPort: number | undefined;
  storeDir: string;
}): string[] {
  // The monitoring listener binds to the same host as clients (--addr), so it stays on loopback.
  const monitoring =
    options.monitorPort === undefined ? [] : ['--http_port', String(options.monitorPort)];
  return [
    '--addr',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--server_name',
    `roomcast-${options.port}`,
    '--jetstream',
    '--store_dir',
    options.storeDir,
    ...monitoring,
  ];
}

/** The server sends `INFO {...}` to every new client; JetStream is on once it says so there. */
async function greetsWithJetStream(port: number): Promise<boolean> {
  const line = await readFirstLine({ port });
  if (!line.startsWith('INFO ')) return false;

  const info = JSON.parse(line.slice('INFO '.length)) as { jetstream?: boolean };
  return info.jetstream === true;
}

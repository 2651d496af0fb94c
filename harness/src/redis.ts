/**
 * A real Redis server on 127.0.0.1, for tests and the local stack.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { locateBinary } from './binaries.js';
import { freePort } from './free-port.js';
import { launchServer } from './launch-server.js';
import { messageOf } from './process.js';
import { createScratchDir } from './scratch-dir.js';
import { readFirstLine } from './tcp-probe.js';

/** Options of `startRedis`. */
export interface RedisOptions {
  /**
   * Persistent data dir: the append-only file lives there and survives stop/start.
   * Default: no persistence at all, in a temp working dir removed on stop.
   */
  dataDir?: string;
  /** TCP port on 127.0.0.1. Default: a free port. */
  port?: number;
  /** File that receives the server's output. Default: a temp file removed on stop. */
  logPath?: string;
  /** How long to wait for the server to answer PING. Default: 15 000 ms. */
  readyTimeoutMs?: number;
}

/** A running Redis server. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly logPath: string;
  /** Stops the server (flushing the append-only file when persistent). */
  stop(): Promise<void>;
}

/** Starts redis-server and resolves once it answers PING. */
export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const scratch = await createScratchDir('redis');
  const logPath = options.logPath ?? join(scratch, 'redis-server.log');
  const port = options.port ?? (await freePort());
  const workDir = options.dataDir ?? scratch;

  try {
    await mkdir(workDir, { recursive: true });
    const stop = await launchServer({
      name: 'redis-server',
      command: locateBinary('redis-server'),
      args: serverArgs({ port, workDir, persistent: options.dataDir !== undefined }),
      logPath,
      probe: () => answersPing(port),
      readyTimeoutMs: options.readyTimeoutMs ?? 15_000,
      scratchDir: scratch,
    });
    return { url: `redis://127.0.0.1:${port}`, port, logPath, stop };
  } catch (error) {
    throw new Error(
      `starting redis-server on 127.0.0.1:${port} in ${workDir}: ${messageOf(error)}`,
      { cause: error },
    );
  }
}

function serverArgs(options: { port: number; workDir: string; persistent: boolean }): string[] {
  const settings: Array<[string, string]> = [
    ['bind', '127.0.0.1'],
    ['port', String(options.port)],
    ['protected-mode', 'yes'],
    ['daemonize', 'no'],
    // An empty log file name sends the log to stdout, which the harness captures.
    ['logfile', ''],
    ['dir', options.workDir],
    // No RDB snapshots: persistence, when asked for, is the append-only file alone.
    ['save', ''],
    ['appendonly', options.persistent ? 'yes' : 'no'],
  ];
  return settings.flatMap(([name, value]) => [`--${name}`, value]);
}

async function answersPing(port: number): Promise<boolean> {
  return (await readFirstLine({ port, send: 'PING\r\n' })) === '+PONG';
}

/**
 * The backing services every Roomcast service needs, started together: PostgreSQL, NATS with
 * JetStream, and Redis. Envoy is left out: its config depends on which services run.
 */
import { join } from 'node:path';
import { startNats, type NatsServer } from './nats.js';
import { startPostgres, type PostgresServer } from './postgres.js';
import { messageOf } from './process.js';
import { startRedis, type RedisServer } from './redis.js';

/** Options of `startInfra`. */
export interface InfraOptions {
  /**
   * Persistent root dir; each server keeps its data in a subdir (`postgres`, `nats`, `redis`)
   * that survives stop/start. Default: temp dirs removed on stop.
   */
  dataDir?: string;
}

/** The running backing services. */
export interface Infra {
  readonly postgres: PostgresServer;
  readonly nats: NatsServer;
  readonly redis: RedisServer;
  /** Stops all three at once; throws after trying all if any failed to stop. */
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL, NATS and Redis in parallel. If any fails, the others are stopped again
 * and the error names every failure.
 */
export async function startInfra(options: InfraOptions = {}): Promise<Infra> {
  const subdir = (name: string): string | undefined =>
    options.dataDir === undefined ? undefined : join(options.dataDir, name);

  const [postgres, nats, redis] = await Promise.allSettled([
    startPostgres({ dataDir: subdir('postgres') }),
    startNats({ dataDir: subdir('nats') }),
    startRedis({ dataDir: subdir('redis') }),
  ]);

  if (
    postgres.status === 'fulfilled' &&
    nats.status === 'fulfilled' &&
    redis.status === 'fulfilled'
  ) {
    const servers = [postgres.value, nats.value, redis.value];
    const stop = (): Promise<void> => stopAll(servers);
    return { postgres: postgres.value, nats: nats.value, redis: redis.value, stop };
  }

  const started = [postgres, nats, redis].flatMap((r) =>
    r.status === 'fulfilled' ? [r.value] : [],
  );
  await stopAll(started).catch(() => undefined);
  throw failure('starting the infrastructure (PostgreSQL, NATS, Redis)', [postgres, nats, redis]);
}

async function stopAll(servers: ReadonlyArray<{ stop(): Promise<void> }>): Promise<void> {
  const results = await Promise.allSettled(servers.map((server) => server.stop()));
  if (results.some((r) => r.status === 'rejected')) {
    throw failure('stopping the infrastructure', results);
  }
}

function failure(attempt: string, results: ReadonlyArray<PromiseSettledResult<unknown>>): Error {
  const reasons = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  const cause = reasons.length === 1 ? reasons[0] : new AggregateError(reasons);
  return new Error(`${attempt}: ${reasons.map(messageOf).join('; ')}`, { cause });
}

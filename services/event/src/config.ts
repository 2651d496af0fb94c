import { EnvReader, readBaseConfig, type BaseConfig } from '@roomcast/kit';

export interface EventConfig extends BaseConfig {
  databaseUrl: string;
  natsUrl: string;
  /** Most raw messages stored in one transaction (EVENT_BATCH_MAX); default 256. */
  batchMax: number;
  /**
   * How often stored-but-unpublished events are published again and the lag gauge refreshed
   * (EVENT_OUTBOX_INTERVAL_MS); default 5000.
   */
  outboxIntervalMs: number;
}

export function readEventConfig(env = new EnvReader()): EventConfig {
  return {
    ...readBaseConfig(env, { grpcPort: 50054, metricsPort: 9467 }),
    databaseUrl: env.url('DATABASE_URL', ['postgres', 'postgresql']),
    natsUrl: env.url('NATS_URL', ['nats', 'tls']),
    batchMax: env.int('EVENT_BATCH_MAX', { default: 256, min: 1, max: 10_000 }),
    outboxIntervalMs: env.int('EVENT_OUTBOX_INTERVAL_MS', {
      default: 5_000,
      min: 100,
      max: 3_600_000,
    }),
  };
}

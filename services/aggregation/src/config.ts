import { EnvReader, readBaseConfig, type BaseConfig } from '@roomcast/kit';

export interface AggregationConfig extends BaseConfig {
  databaseUrl: string;
  natsUrl: string;
  /** Where ListSessionEvents is served (EVENT_SERVICE_ADDR, host:port). */
  eventServiceAddr: string;
  /** Where UpdateSessionAggregates is served (SESSION_SERVICE_ADDR, host:port). */
  sessionServiceAddr: string;
  /** How often dirty sessions are folded (AGGREGATION_FOLD_INTERVAL_MS); default 500. */
  foldIntervalMs: number;
  /** Least time between two pushes of a live session (AGGREGATION_PUSH_INTERVAL_MS); default 1000. */
  pushIntervalMs: number;
  /** How often the sweep looks for stale sessions (AGGREGATION_SWEEP_INTERVAL_MS); default 10000. */
  sweepIntervalMs: number;
  /** A session not final and not updated for this long is folded again (AGGREGATION_STALE_AFTER_MS); default 30000. */
  staleAfterMs: number;
}

export function readAggregationConfig(env = new EnvReader()): AggregationConfig {
  const interval = (name: string, fallback: number) =>
    env.int(name, { default: fallback, min: 10, max: 3_600_000 });

  return {
    ...readBaseConfig(env, { grpcPort: 50055, metricsPort: 9468 }),
    databaseUrl: env.url('DATABASE_URL', ['postgres', 'postgresql']),
    natsUrl: env.url('NATS_URL', ['nats', 'tls']),
    eventServiceAddr: env.address('EVENT_SERVICE_ADDR'),
    sessionServiceAddr: env.address('SESSION_SERVICE_ADDR'),
    foldIntervalMs: interval('AGGREGATION_FOLD_INTERVAL_MS', 500),
    pushIntervalMs: interval('AGGREGATION_PUSH_INTERVAL_MS', 1_000),
    sweepIntervalMs: interval('AGGREGATION_SWEEP_INTERVAL_MS', 10_000),
    staleAfterMs: interval('AGGREGATION_STALE_AFTER_MS', 30_000),
  };
}

import { ConfigError, EnvReader, readBaseConfig, type BaseConfig } from '@roomcast/kit';

/** The Adapter's settings, read once at start-up from the environment. */
export interface AdapterConfig extends BaseConfig {
  redisUrl: string;
  natsUrl: string;
  /** HTTP_PORT: where webhooks are posted; default 8082. */
  httpPort: number;
  /** ADAPTER_WEBHOOK_SECRET: the shared HMAC key; at least 16 characters. Never logged. */
  webhookSecret: string;
  /** ADAPTER_TIMESTAMP_TOLERANCE_S: how far a delivery's timestamp may be from now; default 300. */
  timestampToleranceS: number;
  /** ADAPTER_REPLAY_TTL_S: how long a delivery id is remembered in Redis; default 86400. */
  replayTtlS: number;
  /** SESSION_SERVICE_ADDR: host:port of the Session service, asked about each session. */
  sessionServiceAddr: string;
  /** ADAPTER_SESSION_CACHE_MS: how long a session lookup is reused; default 5000. */
  sessionCacheMs: number;
  /** SESSION_DEADLINE_MS: how long a GetSession call may take; default 3000. */
  sessionDeadlineMs: number;
}

/** Shorter secrets are too easy to guess for an HMAC key. */
const MIN_SECRET_LENGTH = 16;

export function readAdapterConfig(env = new EnvReader()): AdapterConfig {
  const webhookSecret = env.string('ADAPTER_WEBHOOK_SECRET');
  if (webhookSecret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      'ADAPTER_WEBHOOK_SECRET',
      `must be at least ${MIN_SECRET_LENGTH} characters, got ${webhookSecret.length}`,
    );
  }

  return {
    ...readBaseConfig(env, { grpcPort: 50057, metricsPort: 9471 }),
    redisUrl: env.url('REDIS_URL', ['redis', 'rediss']),
    natsUrl: env.url('NATS_URL', ['nats', 'tls']),
    httpPort: env.port('HTTP_PORT', 8082),
    webhookSecret,
    timestampToleranceS: env.int('ADAPTER_TIMESTAMP_TOLERANCE_S', {
      default: 300,
      min: 1,
      max: 86_400,
    }),
    replayTtlS: env.int('ADAPTER_REPLAY_TTL_S', { default: 86_400, min: 1, max: 30 * 86_400 }),
    sessionServiceAddr: env.address('SESSION_SERVICE_ADDR'),
    sessionCacheMs: env.int('ADAPTER_SESSION_CACHE_MS', { default: 5_000, min: 0, max: 60_000 }),
    sessionDeadlineMs: env.int('SESSION_DEADLINE_MS', { default: 3_000, min: 100, max: 60_000 }),
  };
}

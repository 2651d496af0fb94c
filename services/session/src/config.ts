import { EnvReader, readBaseConfig, type BaseConfig } from '@roomcast/kit';

export interface SessionConfig extends BaseConfig {
  databaseUrl: string;
  redisUrl: string;
  natsUrl: string;
  /** host:port of the Room service, asked for rooms and their chat settings. */
  roomServiceAddr: string;
  /** How long a room's chat settings are reused before asking Room again; default 5000. */
  roomCacheMs: number;
  /** How long the last known chat settings serve chat while Room is unreachable; default 300000. */
  roomStaleIfErrorMs?: number;
  /** How long a call to Room may take; default 3000. */
  roomDeadlineMs: number;
  /** How long to wait for JetStream to acknowledge a publish; default 5000. */
  publishTimeoutMs: number;
}

/** Reads the Session service's environment; a bad value names its variable. */
export function readSessionConfig(env = new EnvReader()): SessionConfig {
  return {
    ...readBaseConfig(env, { grpcPort: 50053, metricsPort: 9466 }),
    databaseUrl: env.url('DATABASE_URL', ['postgres', 'postgresql']),
    redisUrl: env.url('REDIS_URL', ['redis', 'rediss']),
    natsUrl: env.url('NATS_URL', ['nats', 'tls']),
    roomServiceAddr: env.address('ROOM_SERVICE_ADDR'),
    roomCacheMs: env.int('ROOM_CACHE_MS', { default: 5_000, min: 0, max: 300_000 }),
    roomStaleIfErrorMs: env.int('ROOM_STALE_IF_ERROR_MS', {
      default: 300_000,
      min: 0,
      max: 3_600_000,
    }),
    roomDeadlineMs: env.int('ROOM_DEADLINE_MS', { default: 3_000, min: 100, max: 60_000 }),
    publishTimeoutMs: env.int('PUBLISH_TIMEOUT_MS', { default: 5_000, min: 100, max: 60_000 }),
  };
}

import { hostname } from 'node:os';
import { EnvReader, readBaseConfig, type BaseConfig } from '@roomcast/kit';

/** Realtime's settings, read once at start-up from the environment. */
export interface RealtimeConfig extends BaseConfig {
  redisUrl: string;
  natsUrl: string;
  /** SESSION_SERVICE_ADDR, host:port. */
  sessionServiceAddr: string;
  /** EVENT_SERVICE_ADDR, host:port. */
  eventServiceAddr: string;
  /** WS_PORT: the HTTP server that upgrades /ws/sessions/{id}; default 8081. */
  wsPort: number;
  /** PING_INTERVAL_MS: how often each socket is pinged; default 15000. Two missed pongs end it. */
  pingIntervalMs: number;
  /** REALTIME_MAX_BUFFERED_BYTES: unsent bytes a socket may queue before 4008; default 1 MiB. */
  maxBufferedBytes: number;
  /** REALTIME_MAX_QUEUED_EVENTS: unsent events a gRPC stream may queue; default 1000. */
  maxQueuedEvents: number;
  /** REALTIME_WINDOW_EVENTS: recent events kept per watched session; default 1000. */
  windowEvents: number;
  /** REALTIME_WINDOW_BYTES: encoded bytes kept per watched session; default 4 MiB. */
  windowBytes: number;
  /** REALTIME_HUB_LINGER_MS: how long a session's window outlives its last viewer; default 30000. */
  hubLingerMs: number;
  /** REALTIME_GAP_GRACE_MS: wait for a late event before asking history; default 50. */
  gapGraceMs: number;
  /** REALTIME_HEARTBEAT_MS: how often the count is written to Redis; default 5000. */
  heartbeatIntervalMs: number;
  /** POD_NAME, else "<hostname>-<pid>": this instance's field in realtime:connections. */
  instanceId: string;
}

export function readRealtimeConfig(env = new EnvReader()): RealtimeConfig {
  const ms = (name: string, fallback: number) =>
    env.int(name, { default: fallback, min: 1, max: 3_600_000 });

  return {
    ...readBaseConfig(env, { grpcPort: 50056, metricsPort: 9470 }),
    redisUrl: env.url('REDIS_URL', ['redis', 'rediss']),
    natsUrl: env.url('NATS_URL', ['nats', 'tls']),
    sessionServiceAddr: env.address('SESSION_SERVICE_ADDR'),
    eventServiceAddr: env.address('EVENT_SERVICE_ADDR'),
    wsPort: env.port('WS_PORT', 8081),
    pingIntervalMs: ms('PING_INTERVAL_MS', 15_000),
    maxBufferedBytes: env.int('REALTIME_MAX_BUFFERED_BYTES', { default: 1 << 20, min: 1024 }),
    maxQueuedEvents: env.int('REALTIME_MAX_QUEUED_EVENTS', { default: 1000, min: 1 }),
    windowEvents: env.int('REALTIME_WINDOW_EVENTS', { default: 1000, min: 1, max: 100_000 }),
    windowBytes: env.int('REALTIME_WINDOW_BYTES', { default: 4 << 20, min: 1024 }),
    hubLingerMs: ms('REALTIME_HUB_LINGER_MS', 30_000),
    gapGraceMs: env.int('REALTIME_GAP_GRACE_MS', { default: 50, min: 0, max: 10_000 }),
    heartbeatIntervalMs: ms('REALTIME_HEARTBEAT_MS', 5_000),
    instanceId: env.string('POD_NAME', `${hostname()}-${process.pid}`),
  };
}

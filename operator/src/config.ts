import { hostname } from 'node:os';

import { DEFAULT_STREAM_LIMITS, EnvReader, type StreamLimits } from '@roomcast/kit';

/** How the operator elects one active replica. */
export interface LeaderElectionConfig {
  /** LEASE_NAME, default roomcast-operator. */
  leaseName: string;
  /** POD_NAMESPACE, where the Lease lives; default `default`. */
  leaseNamespace: string;
  /** POD_NAME, this replica's identity in the Lease; default the host name. */
  identity: string;
  /** LEASE_DURATION_MS: how long a silent holder keeps the Lease; default 15000. */
  leaseDurationMs: number;
  /** LEASE_RENEW_DEADLINE_MS: a holder that cannot renew for this long stops acting; 10000. */
  renewDeadlineMs: number;
  /** LEASE_RETRY_PERIOD_MS: how often to try to acquire or renew; default 2000. */
  retryPeriodMs: number;
}

/** How the operator scales the Realtime Deployment on live connection counts. */
export interface AutoscaleConfig {
  /** AUTOSCALE_ENABLED, default true when REDIS_URL is set. */
  enabled: boolean;
  /** REDIS_URL, where Realtime pods write their connection counts. */
  redisUrl: string | undefined;
  /** REALTIME_DEPLOYMENT, default roomcast-realtime. */
  deployment: string;
  /** REALTIME_NAMESPACE, default the operator's namespace. */
  namespace: string;
  /** AUTOSCALE_TARGET_CONNECTIONS_PER_POD, default 2000. */
  targetConnectionsPerPod: number;
  /** AUTOSCALE_MIN_REPLICAS, default 2. */
  minReplicas: number;
  /** AUTOSCALE_MAX_REPLICAS, default 20. */
  maxReplicas: number;
  /** AUTOSCALE_SCALE_DOWN_STABILIZATION_MS, default 300000 (5 minutes). */
  scaleDownStabilizationMs: number;
  /** AUTOSCALE_INTERVAL_MS: how often counts are read; default 5000. */
  intervalMs: number;
  /** REALTIME_CONNECTIONS_KEY: the Redis hash of pod name to count; realtime:connections. */
  connectionsKey: string;
  /**
   * REALTIME_HEARTBEAT_PREFIX: a pod's count counts only while `<prefix><pod>` exists;
   * default realtime:instance: (what services/realtime writes).
   */
  heartbeatPrefix: string;
}

/** Everything the operator reads from its environment. */
export interface OperatorConfig {
  /** KUBECONFIG; unset means in-cluster, then ~/.kube/config. */
  kubeconfigPath: string | undefined;
  /** WATCH_NAMESPACE; empty means every namespace. */
  watchNamespace: string;
  /** RESYNC_MS: every Room is reconciled at least this often; default 300000. */
  resyncMs: number;
  /** WATCH_TIMEOUT_SECONDS: the server ends each watch after this; default 240. */
  watchTimeoutSeconds: number;
  /** WATCH_STALL_MS: a watch silent for this long is restarted; default 300000. */
  watchStallMs: number;
  /** RECONCILE_CONCURRENCY: Rooms reconciled at once; default 4. */
  concurrency: number;
  /** RETRY_BASE_MS and RETRY_MAX_MS: reconcile retry backoff; default 200 and 60000. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** RECONCILE_RATE_PER_SECOND and RECONCILE_BURST: the overall limit; default 10 and 100. */
  reconcileRatePerSecond: number;
  reconcileBurst: number;
  /** CLEANUP_MAX_ATTEMPTS: failed cleanups before the finalizer is dropped; default 10. */
  cleanupMaxAttempts: number;
  /** ROOM_SERVICE_ADDR, host:port of the Room service. */
  roomServiceAddr: string;
  /** ROOM_SERVICE_DEADLINE_MS, per call; default 5000. */
  roomServiceDeadlineMs: number;
  /**
   * SESSION_SERVICE_ADDR, host:port of the Session service. Default none: the feature is off and
   * status.liveSessionId and status.viewerCount stay empty.
   */
  sessionServiceAddr: string | undefined;
  /** SESSION_SERVICE_DEADLINE_MS, per call; default 3000. */
  sessionServiceDeadlineMs: number;
  /**
   * LIVE_SESSION_REFRESH_MS: how often a Room with a live session is looked at again, so its
   * viewer count stays current; default 10000. Idle Rooms wait for the resync (RESYNC_MS).
   */
  liveSessionRefreshMs: number;
  /** NATS_URL. */
  natsUrl: string;
  /** STREAM_RESYNC_MS: how often the platform streams are checked; default 60000. */
  streamResyncMs: number;
  /** RAW_STREAM_MAX_AGE_MS, STORED_STREAM_MAX_AGE_MS, STREAM_DUPLICATE_WINDOW_MS. */
  streamLimits: StreamLimits;
  /** BIND_HOST, default 127.0.0.1. */
  bindHost: string;
  /** METRICS_PORT: /metrics, /healthz and /readyz; default 9470. */
  metricsPort: number;
  /** HEALTH_PORT: also serves /healthz and /readyz here when set and not METRICS_PORT. */
  healthPort: number | undefined;
  leaderElection: LeaderElectionConfig;
  autoscale: AutoscaleConfig;
}

const HOUR_MS = 3_600_000;
const YEAR_MS = 365 * 24 * HOUR_MS;

/** Reads and validates the operator's environment; a bad value throws a ConfigError naming it. */
export function readOperatorConfig(env = new EnvReader()): OperatorConfig {
  const namespace = env.string('POD_NAMESPACE', 'default');
  const ms = (name: string, fallback: number, min = 1) =>
    env.int(name, { default: fallback, min, max: YEAR_MS });

  return {
    kubeconfigPath: optional(env, 'KUBECONFIG'),
    watchNamespace: optional(env, 'WATCH_NAMESPACE') ?? '',
    resyncMs: ms('RESYNC_MS', 300_000, 100),
    watchTimeoutSeconds: env.int('WATCH_TIMEOUT_SECONDS', { default: 240, min: 1, max: 3600 }),
    watchStallMs: ms('WATCH_STALL_MS', 300_000, 100),
    concurrency: env.int('RECONCILE_CONCURRENCY', { default: 4, min: 1, max: 64 }),
    retryBaseMs: ms('RETRY_BASE_MS', 200),
    retryMaxMs: ms('RETRY_MAX_MS', 60_000),
    reconcileRatePerSecond: env.int('RECONCILE_RATE_PER_SECOND', { default: 10, min: 1 }),
    reconcileBurst: env.int('RECONCILE_BURST', { default: 100, min: 1 }),
    cleanupMaxAttempts: env.int('CLEANUP_MAX_ATTEMPTS', { default: 10, min: 1, max: 1000 }),
    roomServiceAddr: env.address('ROOM_SERVICE_ADDR'),
    roomServiceDeadlineMs: ms('ROOM_SERVICE_DEADLINE_MS', 5_000, 100),
    sessionServiceAddr:
      optional(env, 'SESSION_SERVICE_ADDR') && env.address('SESSION_SERVICE_ADDR'),
    sessionServiceDeadlineMs: ms('SESSION_SERVICE_DEADLINE_MS', 3_000, 100),
    liveSessionRefreshMs: ms('LIVE_SESSION_REFRESH_MS', 10_000, 100),
    natsUrl: env.url('NATS_URL', ['nats', 'tls']),
    streamResyncMs: ms('STREAM_RESYNC_MS', 60_000, 100),
    streamLimits: {
      rawMaxAgeMs: ms('RAW_STREAM_MAX_AGE_MS', DEFAULT_STREAM_LIMITS.rawMaxAgeMs),
      storedMaxAgeMs: ms('STORED_STREAM_MAX_AGE_MS', DEFAULT_STREAM_LIMITS.storedMaxAgeMs),
      duplicateWindowMs: ms('STREAM_DUPLICATE_WINDOW_MS', DEFAULT_STREAM_LIMITS.duplicateWindowMs),
    },
    bindHost: env.string('BIND_HOST', '127.0.0.1'),
    metricsPort: env.port('METRICS_PORT', 9470),
    healthPort: optional(env, 'HEALTH_PORT') === undefined ? undefined : env.port('HEALTH_PORT', 0),
    leaderElection: {
      leaseName: env.string('LEASE_NAME', 'roomcast-operator'),
      leaseNamespace: namespace,
      identity: env.string('POD_NAME', hostname()),
      leaseDurationMs: ms('LEASE_DURATION_MS', 15_000, 1_000),
      renewDeadlineMs: ms('LEASE_RENEW_DEADLINE_MS', 10_000, 100),
      retryPeriodMs: ms('LEASE_RETRY_PERIOD_MS', 2_000, 50),
    },
    autoscale: readAutoscaleConfig(env, namespace),
  };
}

function readAutoscaleConfig(env: EnvReader, namespace: string): AutoscaleConfig {
  const redisUrl = optional(env, 'REDIS_URL') && env.url('REDIS_URL', ['redis', 'rediss']);
  const enabled = env.oneOf('AUTOSCALE_ENABLED', ['true', 'false'], redisUrl ? 'true' : 'false');
  const minReplicas = env.int('AUTOSCALE_MIN_REPLICAS', { default: 2, min: 0, max: 10_000 });

  return {
    enabled: enabled === 'true',
    redisUrl,
    deployment: env.string('REALTIME_DEPLOYMENT', 'roomcast-realtime'),
    namespace: env.string('REALTIME_NAMESPACE', namespace),
    targetConnectionsPerPod: env.int('AUTOSCALE_TARGET_CONNECTIONS_PER_POD', {
      default: 2000,
      min: 1,
    }),
    minReplicas,
    maxReplicas: env.int('AUTOSCALE_MAX_REPLICAS', {
      default: Math.max(20, minReplicas),
      min: Math.max(1, minReplicas),
      max: 10_000,
    }),
    scaleDownStabilizationMs: env.int('AUTOSCALE_SCALE_DOWN_STABILIZATION_MS', {
      default: 300_000,
      min: 0,
      max: 24 * HOUR_MS,
    }),
    intervalMs: env.int('AUTOSCALE_INTERVAL_MS', { default: 5_000, min: 50, max: HOUR_MS }),
    connectionsKey: env.string('REALTIME_CONNECTIONS_KEY', 'realtime:connections'),
    heartbeatPrefix: env.string('REALTIME_HEARTBEAT_PREFIX', 'realtime:instance:'),
  };
}

function optional(env: EnvReader, name: string): string | undefined {
  const value = env.string(name, '');
  return value === '' ? undefined : value;
}

/**
 * The operator assembled: clients and connections for the life of the process, and the parts
 * only the leader runs (Room controller, platform streams keeper, Realtime autoscaler), built
 * afresh for each term of leadership and stopped when it ends.
 */
import { createLogger, createRedis, type Logger, type Redis } from '@roomcast/kit';

import { RoomCleanup } from './cleanup-room.js';
import { systemClock, type Clock } from './clock.js';
import type { OperatorConfig } from './config.js';
import { PlatformStreamsKeeper } from './jetstream-streams.js';
import { kubeClients, type KubeClients } from './kube-client.js';
import { EventRecorder } from './kube-events.js';
import { LeaderElector } from './leader-election.js';
import { LiveSessionReader } from './live-viewers.js';
import { OperatorMetrics, startHealthServer, type HealthServer } from './metrics.js';
import { NatsLink } from './nats-link.js';
import { OperatorEvents } from './operator-events.js';
import { RealtimeAutoscaler } from './realtime-autoscaler.js';
import { RoomReconciler } from './reconcile-room.js';
import { RoomApi } from './room-api.js';
import { RoomController } from './room-controller.js';
import { RoomHistoryStore } from './room-history.js';
import { SessionApi } from './session-api.js';

/** Options of {@link startOperator} besides its configuration. */
export interface StartOperatorOptions {
  /** Default: a pino logger named operator. */
  log?: Logger;
  /** Default: the system clock. */
  clock?: Clock;
}

/** A running operator, for the process entry point and for tests. */
export interface RunningOperator {
  /** Every state change, typed; tests wait on these. */
  events: OperatorEvents;
  /** Port of /metrics, /healthz and /readyz. */
  metricsPort: number;
  isLeader(): boolean;
  /** Stops acting, releases the Lease and closes every connection. */
  stop(): Promise<void>;
}

/** What one term of leadership runs. */
interface LeaderTerm {
  controller: RoomController;
  streams: PlatformStreamsKeeper;
  autoscaler: RealtimeAutoscaler | undefined;
  unsubscribe: () => void;
}

interface Shared {
  config: OperatorConfig;
  clients: KubeClients;
  nats: NatsLink;
  redis: Redis | undefined;
  api: RoomApi;
  /** Undefined without SESSION_SERVICE_ADDR: Rooms then show no live session. */
  sessionApi: SessionApi | undefined;
  liveSessions: LiveSessionReader | undefined;
  liveSessionRefreshMs: number;
  history: RoomHistoryStore;
  recorder: EventRecorder;
  events: OperatorEvents;
  log: Logger;
  clock: Clock;
}

export async function startOperator(
  config: OperatorConfig,
  options: StartOperatorOptions = {},
): Promise<RunningOperator> {
  const log = options.log ?? createLogger('operator');
  const clock = options.clock ?? systemClock;
  const { identity } = config.leaderElection;
  const clients = kubeClients(config.kubeconfigPath);
  const events = new OperatorEvents();
  const nats = new NatsLink(config.natsUrl, `roomcast-operator-${identity}`, log);
  const redis =
    config.autoscale.enabled && config.autoscale.redisUrl
      ? createRedis(config.autoscale.redisUrl)
      : undefined;
  const sessionApi = config.sessionServiceAddr
    ? new SessionApi({
        address: config.sessionServiceAddr,
        deadlineMs: config.sessionServiceDeadlineMs,
      })
    : undefined;
  const shared: Shared = {
    config,
    clients,
    nats,
    redis,
    api: new RoomApi({ address: config.roomServiceAddr, deadlineMs: config.roomServiceDeadlineMs }),
    sessionApi,
    liveSessions: sessionApi && new LiveSessionReader({ api: sessionApi, events, log }),
    liveSessionRefreshMs: config.liveSessionRefreshMs,
    history: new RoomHistoryStore(() => nats.current),
    recorder: new EventRecorder(clients.core, {
      component: 'roomcast-operator',
      instance: identity,
      log,
    }),
    events,
    log,
    clock,
  };

  let term: LeaderTerm | undefined;
  const stopTerm = async () => {
    const ending = term;
    term = undefined;
    if (!ending) return;
    ending.unsubscribe();
    await Promise.all([ending.controller.stop(), ending.streams.stop(), ending.autoscaler?.stop()]);
  };
  const elector = new LeaderElector({
    clients,
    config: config.leaderElection,
    events,
    log,
    clock,
    onStartedLeading: () => (term = startTerm(shared, () => term)),
    onStoppedLeading: stopTerm,
  });

  const metrics = new OperatorMetrics(events, {
    queueDepth: () => term?.controller.queue.length ?? 0,
  });
  const ready = () => !elector.isLeader || (term?.controller.hasSynced ?? false);
  const servers = await startServers(config, { registry: metrics.registry, ready });
  elector.start();
  log.info({ identity, metricsPort: servers[0]!.port }, 'operator started');

  return {
    events,
    metricsPort: servers[0]!.port,
    isLeader: () => elector.isLeader,
    async stop() {
      await elector.stop();
      await stopTerm();
      shared.api.close();
      sessionApi?.close();
      await nats.close();
      redis?.disconnect();
      for (const server of servers) await server.close();
      log.info('operator stopped');
    },
  };
}

/** Starts everything the leader runs. */
function startTerm(shared: Shared, current: () => LeaderTerm | undefined): LeaderTerm {
  const { config, clients, events, log, clock, recorder } = shared;
  const leaseSubject = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    namespace: config.leaderElection.leaseNamespace,
    name: config.leaderElection.leaseName,
  };

  const streams = new PlatformStreamsKeeper(() => shared.nats.current, {
    limits: config.streamLimits,
    resyncMs: config.streamResyncMs,
    clock,
    events,
    log,
    onCorrected: (stream, action, detail) =>
      void recorder.record(leaseSubject, {
        type: 'Normal',
        reason: 'StreamsCorrected',
        action: 'Correct',
        message: `JetStream stream ${stream} ${action}: ${detail}`,
      }),
  });
  const deps = { ...shared, streams: () => current()?.streams.state ?? streams.state };
  const controller = new RoomController({
    clients,
    reconciler: new RoomReconciler(deps),
    cleanup: new RoomCleanup({ ...deps, maxAttempts: config.cleanupMaxAttempts }),
    events,
    log,
    clock,
    namespace: config.watchNamespace,
    concurrency: config.concurrency,
    resyncMs: config.resyncMs,
    watchTimeoutSeconds: config.watchTimeoutSeconds,
    watchStallMs: config.watchStallMs,
    retryBaseMs: config.retryBaseMs,
    retryMaxMs: config.retryMaxMs,
    ratePerSecond: config.reconcileRatePerSecond,
    burst: config.reconcileBurst,
  });
  const autoscaler = shared.redis
    ? new RealtimeAutoscaler({ ...shared, redis: shared.redis, config: config.autoscale })
    : undefined;

  // StreamReady follows the platform streams: when they turn ready, every Room is looked at.
  let streamsReady = false;
  const unsubscribe = events.on((event) => {
    if (event.type !== 'streams-checked') return;
    if (event.ready && !streamsReady) controller.enqueueAll();
    streamsReady = event.ready;
  });

  streams.start();
  controller.start();
  autoscaler?.start();
  return { controller, streams, autoscaler, unsubscribe };
}

async function startServers(
  config: OperatorConfig,
  options: { registry: OperatorMetrics['registry']; ready: () => boolean },
): Promise<HealthServer[]> {
  const servers = [
    await startHealthServer({ host: config.bindHost, port: config.metricsPort, ...options }),
  ];
  if (config.healthPort !== undefined && config.healthPort !== config.metricsPort) {
    servers.push(
      await startHealthServer({
        host: config.bindHost,
        port: config.healthPort,
        ready: options.ready,
      }),
    );
  }
  return servers;
}

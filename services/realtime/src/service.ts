import {
  connectNats,
  createRedis,
  type RunServiceOptions,
  type ServiceRuntime,
} from '@roomcast/kit';
import { RealtimeServiceService } from '@roomcast/proto';
import { readRealtimeConfig, type RealtimeConfig } from './config.js';
import { ConnectionLedger } from './connection-ledger.js';
import { eventHistoryClient } from './event-history.js';
import { retryingHistory } from './history-retry.js';
import { HubRegistry } from './hub-registry.js';
import { subscribeLiveFeed } from './live-feed.js';
import type { RealtimeContext } from './realtime-context.js';
import { realtimeServiceHandlers } from './realtime-handlers.js';
import { SessionGateway } from './session-gateway.js';
import { startWebSocketServer } from './websocket-server.js';

/** The Realtime service's options for startService, plus what only Realtime has. */
export interface RealtimeService extends RunServiceOptions<RealtimeConfig> {
  /**
   * Graceful drain: refuse new sockets and streams (Healthz says DRAINING), close open sockets
   * with 1012 and end streams with UNAVAILABLE, then wait for every LEAVE. Idempotent; stop()
   * runs it too.
   */
  drain(): Promise<void>;
  /** The port the WebSocket server listens on, once started. */
  readonly wsPort: number;
}

/** The Realtime service, ready for startService (the process and tests). */
export function realtimeService(config?: RealtimeConfig): RealtimeService {
  let draining: Promise<void> | undefined;
  let drainWork: () => Promise<void> = async () => undefined;
  let wsPort = 0;

  const service: RealtimeService = {
    name: 'realtime',
    readConfig: () => config ?? readRealtimeConfig(),
    start: async (runtime, settings) => {
      const context = await connectDependencies(runtime, settings);
      subscribeLiveFeed(context.nats, context.hubs, runtime.log);
      runtime.server.addService(
        RealtimeServiceService,
        realtimeServiceHandlers(runtime, context, { maxQueuedEvents: settings.maxQueuedEvents }),
      );

      const sockets = await startWebSocketServer({
        host: settings.bindHost,
        port: settings.wsPort,
        pingIntervalMs: settings.pingIntervalMs,
        maxBufferedBytes: settings.maxBufferedBytes,
        context,
      });
      wsPort = sockets.port;
      runtime.onShutdown(() => sockets.close());

      drainWork = () => drainInstance(context);
      runtime.onDrain(() => service.drain());
      runtime.log.info({ wsPort, instanceId: settings.instanceId }, 'realtime listening');
    },
    drain: () => (draining ??= drainWork()),
    get wsPort() {
      return wsPort;
    },
  };
  return service;
}

async function drainInstance(context: RealtimeContext): Promise<void> {
  context.draining = true;
  context.log.info({ connections: context.ledger.count }, 'draining');
  await context.ledger.drainAll();
  await context.sessions.settled();
  context.log.info('drained');
}

/** Connects Redis, NATS and the two callee services; each closes at shutdown. */
async function connectDependencies(runtime: ServiceRuntime, settings: RealtimeConfig) {
  const { log, metrics } = runtime;
  const redis = createRedis(settings.redisUrl);
  runtime.onShutdown(async () => {
    await redis.quit();
  });
  const nats = await connectNats(settings.natsUrl, `realtime-${settings.instanceId}`, log);
  runtime.onShutdown(() => nats.drain());

  const history = retryingHistory(eventHistoryClient(settings.eventServiceAddr), { log });
  runtime.onShutdown(() => history.close());
  const sessions = new SessionGateway(settings.sessionServiceAddr, log);
  runtime.onShutdown(() => sessions.close());

  const hubs = new HubRegistry({
    history,
    log,
    window: { maxEvents: settings.windowEvents, maxBytes: settings.windowBytes },
    lingerMs: settings.hubLingerMs,
    gapGraceMs: settings.gapGraceMs,
  });
  runtime.onShutdown(() => hubs.close());

  const ledger = new ConnectionLedger({
    redis,
    metrics,
    log,
    instanceId: settings.instanceId,
    heartbeatIntervalMs: settings.heartbeatIntervalMs,
  });
  ledger.start();
  runtime.onShutdown(() => ledger.stop());

  const context: RealtimeContext & { nats: typeof nats } = {
    log,
    hubs,
    history,
    sessions,
    ledger,
    nats,
    draining: false,
    maxHeld: settings.windowEvents,
  };
  return context;
}

/**
 * Real NATS and Redis from the harness, fake Session and Event services at the network edge,
 * and Realtime instances started in-process on free ports.
 */
import {
  connectClient,
  connectNats,
  createLogger,
  createRedis,
  startService,
  type Redis,
  type RunningService,
} from '@roomcast/kit';
import { startNats, startRedis, type NatsServer, type RedisServer } from '@roomcast/harness';
import { RealtimeServiceClient } from '@roomcast/proto';
import type { RealtimeConfig } from '../src/config.js';
import { realtimeService, type RealtimeService } from '../src/service.js';
import {
  startFakeEventService,
  startFakeSessionService,
  type FakeEventService,
  type FakeSessionService,
} from './fake-services.js';
import { StoredFeed } from './stored-feed.js';

export interface RealtimeInstance {
  service: RealtimeService;
  running: RunningService;
  config: RealtimeConfig;
  client: RealtimeServiceClient;
  /** ws://127.0.0.1:<port>/ws/sessions/<id>?<query> */
  wsUrl(sessionId: string, query?: Record<string, string>): string;
  stop(): Promise<void>;
}

export interface RealtimeFixture {
  nats: NatsServer;
  redisServer: RedisServer;
  redis: Redis;
  sessions: FakeSessionService;
  events: FakeEventService;
  feed: StoredFeed;
  /** A fresh session id the fake Session service knows. */
  newSession(): string;
  start(overrides?: Partial<RealtimeConfig>): Promise<RealtimeInstance>;
  stop(): Promise<void>;
}

export async function startRealtimeFixture(): Promise<RealtimeFixture> {
  const [nats, redisServer, sessions, events] = await Promise.all([
    startNats(),
    startRedis(),
    startFakeSessionService(),
    startFakeEventService(),
  ]);
  const publisher = await connectNats(nats.url, 'test-publisher', createLogger('test'));
  const redis = createRedis(redisServer.url);
  const instances: RealtimeInstance[] = [];
  let lastSession = 1000;

  const start = async (overrides: Partial<RealtimeConfig> = {}) => {
    const instance = await startRealtime({
      ...baseConfig({ nats, redisServer, sessions, events }, instances.length),
      ...overrides,
    });
    instances.push(instance);
    return instance;
  };

  return {
    nats,
    redisServer,
    redis,
    sessions,
    events,
    feed: new StoredFeed(publisher, events),
    newSession: () => {
      lastSession += 1;
      sessions.sessions.add(String(lastSession));
      return String(lastSession);
    },
    start,
    stop: async () => {
      for (const instance of instances) await instance.stop();
      await publisher.drain();
      await redis.quit();
      await Promise.all([sessions.stop(), events.stop()]);
      await Promise.all([nats.stop(), redisServer.stop()]);
    },
  };
}

function baseConfig(
  deps: {
    nats: NatsServer;
    redisServer: RedisServer;
    sessions: FakeSessionService;
    events: FakeEventService;
  },
  index: number,
): RealtimeConfig {
  return {
    bindHost: '127.0.0.1',
    grpcPort: 0,
    metricsPort: 0,
    shutdownGraceMs: 2_000,
    redisUrl: deps.redisServer.url,
    natsUrl: deps.nats.url,
    sessionServiceAddr: deps.sessions.address,
    eventServiceAddr: deps.events.address,
    wsPort: 0,
    pingIntervalMs: 15_000,
    maxBufferedBytes: 1 << 20,
    maxQueuedEvents: 1000,
    windowEvents: 50,
    windowBytes: 4 << 20,
    hubLingerMs: 30_000,
    gapGraceMs: 20,
    heartbeatIntervalMs: 1_000,
    instanceId: `realtime-test-${index}`,
  };
}

async function startRealtime(config: RealtimeConfig): Promise<RealtimeInstance> {
  const service = realtimeService(config);
  const running = await startService(service);
  const client = connectClient(RealtimeServiceClient, `127.0.0.1:${running.grpcPort}`);
  let stopped = false;

  return {
    service,
    running,
    config,
    client,
    wsUrl: (sessionId, query = {}) => {
      const search = new URLSearchParams(query).toString();
      return `ws://127.0.0.1:${service.wsPort}/ws/sessions/${sessionId}${search ? `?${search}` : ''}`;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      client.close();
      await running.stop();
    },
  };
}

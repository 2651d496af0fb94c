/**
 * Real NATS and Redis from the harness, a fake Session service at the gRPC edge, and the Adapter
 * started in-process on free ports.
 */
import { startNats, startRedis, type NatsServer, type RedisServer } from '@roomcast/harness';
import {
  connectNats,
  createLogger,
  createRedis,
  RAW_STREAM,
  startService,
  type NatsConnection,
  type Redis,
  type RunningService,
} from '@roomcast/kit';
import { adapterService } from '../src/service.js';
import { signWebhook } from '../src/webhook-signature.js';
import { startFakeSessionService, type FakeSessionService } from './fake-session-service.js';

export const SECRET = 'test-secret-0123456789abcdef';

export interface AdapterFixture {
  nats: NatsServer;
  redisServer: RedisServer;
  client: NatsConnection;
  redis: Redis;
  /** Knows session 123 in room 45, live; tests add their own. */
  sessions: FakeSessionService;
  running: RunningService;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** Messages in the raw stream so far. */
  rawCount(): Promise<number>;
  stop(): Promise<void>;
}

/** Fixture settings a test may change; the session lookup cache defaults to off. */
export interface AdapterFixtureOptions {
  sessionCacheMs?: number;
}

export async function startAdapterFixture(
  options: AdapterFixtureOptions = {},
): Promise<AdapterFixture> {
  const [nats, redisServer] = await Promise.all([startNats(), startRedis()]);
  const sessions = await startFakeSessionService();
  sessions.put({ id: '123', roomId: '45' });
  const service = adapterService({
    bindHost: '127.0.0.1',
    grpcPort: 0,
    metricsPort: 0,
    shutdownGraceMs: 1_000,
    redisUrl: redisServer.url,
    natsUrl: nats.url,
    httpPort: 0,
    webhookSecret: SECRET,
    timestampToleranceS: 300,
    replayTtlS: 3_600,
    sessionServiceAddr: sessions.address,
    sessionCacheMs: options.sessionCacheMs ?? 0,
    sessionDeadlineMs: 2_000,
  });
  const running = await startService(service);
  const client = await connectNats(nats.url, 'adapter-test', createLogger('test'));
  const redis = createRedis(redisServer.url);
  const jsm = await client.jetstreamManager();

  return {
    nats,
    redisServer,
    client,
    redis,
    sessions,
    running,
    baseUrl: `http://127.0.0.1:${service.httpPort}`,
    rawCount: async () => (await jsm.streams.info(RAW_STREAM)).state.messages,
    stop: async () => {
      await running.stop();
      await client.drain();
      await redis.quit();
      await sessions.stop();
      await Promise.all([nats.stop(), redisServer.stop()]);
    },
  };
}

/** Options of one signed POST; each can be spoiled to test a refusal. */
export interface DeliveryOptions {
  platform?: string;
  deliveryId?: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Default: signed with SECRET. */
  signature?: string;
  secret?: string;
  method?: string;
}

/** Sends a payload as a platform would: signed over timestamp and raw body. */
export async function deliver(
  baseUrl: string,
  payload: unknown,
  options: DeliveryOptions = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature =
    options.signature ?? signWebhook({ secret: options.secret ?? SECRET, timestamp, body });

  const response = await fetch(`${baseUrl}/webhooks/${options.platform ?? 'twitch'}`, {
    method: options.method ?? 'POST',
    headers: {
      'content-type': 'application/json',
      'x-roomcast-timestamp': timestamp,
      'x-roomcast-delivery':
        options.deliveryId ?? `delivery-${Math.random().toString(36).slice(2)}`,
      'x-roomcast-signature': signature,
    },
    body: options.method === 'GET' ? undefined : body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { startNats, startPostgres, type NatsServer, type PostgresServer } from '@roomcast/harness';
import { eventService } from '@roomcast/event';
import {
  callUnary,
  decodeEvent,
  encodeEvent,
  errorCodeOf,
  newEvent,
  rawSubject,
  startService,
  STORED_STREAM,
  type RunningService,
} from '@roomcast/kit';
import {
  AggregationServiceClient,
  EventType,
  PresenceAction,
  StreamState,
  type Event,
  type SessionAggregates,
} from '@roomcast/proto';
import { connect, type JetStreamClient, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregationService } from '../src/index.js';
import { FakeSessionService } from './fake-session-service.js';

let postgres: PostgresServer;
let nats: NatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let event: RunningService;
let session: FakeSessionService;
let aggregation: RunningService;
let client: AggregationServiceClient;

function startAggregationInstance(
  overrides: { foldIntervalMs?: number } = {},
): Promise<RunningService> {
  return startService(
    aggregationService({
      bindHost: '127.0.0.1',
      grpcPort: 0,
      metricsPort: 0,
      shutdownGraceMs: 1_000,
      databaseUrl: postgres.url,
      natsUrl: nats.url,
      eventServiceAddr: `127.0.0.1:${event.grpcPort}`,
      sessionServiceAddr: `127.0.0.1:${session.port}`,
      foldIntervalMs: 200,
      pushIntervalMs: 1_000,
      sweepIntervalMs: 60_000,
      staleAfterMs: 60_000,
      ...overrides,
    }),
  );
}

async function startAggregation(overrides: { foldIntervalMs?: number } = {}): Promise<void> {
  aggregation = await startAggregationInstance(overrides);
  client = new AggregationServiceClient(
    `127.0.0.1:${aggregation.grpcPort}`,
    credentials.createInsecure(),
  );
}

async function stopAggregation(): Promise<void> {
  client?.close();
  await aggregation?.stop();
}

beforeAll(async () => {
  [postgres, nats] = await Promise.all([startPostgres(), startNats()]);
  session = new FakeSessionService();
  await session.start();
  event = await startService(
    eventService({
      bindHost: '127.0.0.1',
      grpcPort: 0,
      metricsPort: 0,
      shutdownGraceMs: 1_000,
      databaseUrl: postgres.url,
      natsUrl: nats.url,
      batchMax: 256,
      outboxIntervalMs: 60_000,
    }),
  );
  nc = await connect({ servers: nats.url });
  js = nc.jetstream();
  await watchStored();
  await startAggregation();
});

afterAll(async () => {
  await stopAggregation();
  await nc?.close();
  await event?.stop();
  await session?.stop();
  await Promise.all([postgres?.stop(), nats?.stop()]);
});

let lastSession = 500_000 + Math.floor(Math.random() * 1_000_000);
const T0 = Date.parse('2026-05-01T18:00:00Z');

/** Builds raw events of one session, each at a given second after T0. */
function sessionScript(sessionId = String(++lastSession)) {
  const at = (seconds: number) => new Date(T0 + seconds * 1000);
  const base = { sessionId, roomId: '3', source: 'session' };
  return {
    sessionId,
    status: (seconds: number, state: StreamState): Event =>
      newEvent({
        ...base,
        type: EventType.EVENT_TYPE_STREAM_STATUS,
        occurTime: at(seconds),
        streamStatus: { state },
      }),
    chat: (seconds: number, userId: string): Event =>
      newEvent({
        ...base,
        type: EventType.EVENT_TYPE_CHAT_MESSAGE,
        occurTime: at(seconds),
        chat: { userId, text: `from ${userId} 👋` },
      }),
    join: (seconds: number, userId: string, viewerCount: number): Event =>
      newEvent({
        ...base,
        type: EventType.EVENT_TYPE_USER_PRESENCE,
        occurTime: at(seconds),
        presence: {
          userId,
          action: PresenceAction.PRESENCE_ACTION_JOIN,
          connectionId: `c${userId}`,
          viewerCount: String(viewerCount),
        },
      }),
    viewers: (seconds: number, count: number): Event =>
      newEvent({
        ...base,
        type: EventType.EVENT_TYPE_VIEWER_COUNT,
        occurTime: at(seconds),
        viewerCount: { count: String(count) },
      }),
  };
}

async function publish(events: Event[]): Promise<void> {
  await Promise.all(events.map((e) => js.publish(rawSubject(e.type), encodeEvent(e))));
}

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const finalPush = (sessionId: string) =>
  until(`the final push of session ${sessionId}`, () =>
    session.pushesOf(sessionId).find((push) => push.aggregates.final),
  );

/** Counts a session's stored events as seen on ROOMCAST_STORED (watched from the start). */
const storedEvents = new Map<string, number>();
const storedCount = (sessionId: string) => storedEvents.get(sessionId) ?? 0;

async function watchStored(): Promise<void> {
  const subscription = nc.subscribe('events.stored.>');
  void (async () => {
    for await (const message of subscription) {
      const { sessionId } = decodeEvent(message.data);
      storedEvents.set(sessionId, storedCount(sessionId) + 1);
    }
  })();
  await nc.flush();
}

/** Waits until the trigger consumer has nothing unacked and nothing left to deliver. */
async function untilTriggersAcked(): Promise<void> {
  const jsm = await nc.jetstreamManager();
  let info = await jsm.consumers.info(STORED_STREAM, 'aggregation');
  const deadline = Date.now() + 20_000;
  while (info.num_ack_pending > 0 || info.num_pending > 0) {
    if (Date.now() > deadline) throw new Error(`triggers left unacked: ${JSON.stringify(info)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    info = await jsm.consumers.info(STORED_STREAM, 'aggregation');
  }
}

const get = (sessionId: string) => callUnary(client, client.getSessionAggregates, { sessionId });
const recompute = (sessionId: string) =>
  callUnary(client, client.recomputeSessionAggregates, { sessionId });

/** The numbers without the time they were computed at. */
const numbers = ({ updateTime: _, ...rest }: SessionAggregates) => rest;

async function refusal(promise: Promise<unknown>) {
  const error = (await promise.then(
    () => expect.fail('the call succeeded'),
    (caught: unknown) => caught,
  )) as ServiceError;
  return { code: error.code, reason: errorCodeOf(error) };
}

describe('aggregation service', () => {
  it('aggregation - computes a scripted session and pushes final numbers after ENDED', async () => {
    const s = sessionScript();
    await publish([
      s.status(0, StreamState.STREAM_STATE_LIVE),
      s.join(1, '21', 1),
      s.join(2, '22', 2),
      s.chat(10, '21'),
      s.chat(20, '22'),
      s.chat(30, '21'),
      s.join(40, '23', 3),
      s.viewers(50, 12),
      s.chat(100, '23'),
      s.status(120, StreamState.STREAM_STATE_ENDED),
    ]);

    const pushed = await finalPush(s.sessionId);

    expect(numbers(pushed.aggregates)).toEqual({
      sessionId: s.sessionId,
      messageCount: '4',
      uniqueChatters: '3',
      peakConcurrentViewers: '12',
      uniqueViewers: '3',
      durationSeconds: '120',
      messagesPerMinute: 2,
      final: true,
      lastSequence: '10',
    });
    expect(numbers(await get(s.sessionId))).toEqual(numbers(pushed.aggregates));
    expect(numbers(await recompute(s.sessionId))).toEqual(numbers(pushed.aggregates));
  });

  it('aggregation - keeps a live session current and pushes it about once a second', async () => {
    const s = sessionScript();
    await publish([s.status(0, StreamState.STREAM_STATE_LIVE)]);

    for (let i = 1; i <= 25; i += 1) {
      await publish([s.chat(i, String(100 + (i % 4)))]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const current = await until('a push with all 25 messages', () =>
      session.pushesOf(s.sessionId).find((push) => push.aggregates.messageCount === '25'),
    );

    expect(current.aggregates).toMatchObject({ final: false, uniqueChatters: '4' });
    expect(current.aggregates.durationSeconds).toBe('25');
    const pushes = session.pushesOf(s.sessionId);
    const gaps = pushes.slice(1).map((push, i) => push.atMs - pushes[i]!.atMs);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(900);
  });

  it('aggregation - continues exactly across a restart of Aggregation', async () => {
    const s = sessionScript();
    await publish([
      s.status(0, StreamState.STREAM_STATE_LIVE),
      s.join(1, '31', 1),
      s.chat(2, '31'),
    ]);
    await until('the first numbers', () =>
      session.pushesOf(s.sessionId).find((push) => push.aggregates.lastSequence === '3'),
    );

    await stopAggregation();
    await publish([s.join(3, '32', 2), s.chat(4, '32'), s.chat(5, '31'), s.join(6, '31', 2)]);
    await startAggregation();
    await until('the events published while Aggregation was down', () =>
      session.pushesOf(s.sessionId).find((push) => push.aggregates.lastSequence === '7'),
    );
    await publish([s.chat(7, '33'), s.status(60, StreamState.STREAM_STATE_ENDED)]);

    const pushed = await finalPush(s.sessionId);
    expect(numbers(pushed.aggregates)).toMatchObject({
      messageCount: '4',
      uniqueChatters: '3',
      uniqueViewers: '2',
      peakConcurrentViewers: '2',
      durationSeconds: '60',
      lastSequence: '9',
    });
    expect(numbers(await recompute(s.sessionId))).toEqual(numbers(pushed.aggregates));
  });

  it('aggregation - folds a whole session that happened while Aggregation was down', async () => {
    await stopAggregation();
    const s = sessionScript();
    await publish([
      s.status(0, StreamState.STREAM_STATE_LIVE),
      s.join(1, '41', 1),
      s.join(2, '42', 2),
      s.chat(3, '41'),
      s.chat(4, '42'),
      s.chat(5, '42'),
      s.status(90, StreamState.STREAM_STATE_ENDED),
    ]);
    await until('Event to publish the stored session', () =>
      storedCount(s.sessionId) === 7 ? true : undefined,
    );

    await startAggregation();
    const pushed = await finalPush(s.sessionId);

    expect(numbers(pushed.aggregates)).toEqual({
      sessionId: s.sessionId,
      messageCount: '3',
      uniqueChatters: '2',
      peakConcurrentViewers: '2',
      uniqueViewers: '2',
      durationSeconds: '90',
      messagesPerMinute: 2,
      final: true,
      lastSequence: '7',
    });
    expect(numbers(await get(s.sessionId))).toEqual(numbers(pushed.aggregates));
    await untilTriggersAcked();
  });

  it('aggregation - two instances share the trigger consumer without double counting', async () => {
    const second = await startAggregationInstance();
    try {
      const scripts = Array.from({ length: 6 }, () => sessionScript());
      for (const s of scripts) {
        await publish([s.status(0, StreamState.STREAM_STATE_LIVE), s.join(1, '51', 1)]);
        await publish([s.chat(2, '51'), s.chat(3, '52'), s.viewers(4, 5)]);
        await publish([s.status(30, StreamState.STREAM_STATE_ENDED)]);
      }

      for (const s of scripts) {
        const pushed = await finalPush(s.sessionId);
        expect(numbers(pushed.aggregates)).toMatchObject({
          messageCount: '2',
          uniqueChatters: '2',
          peakConcurrentViewers: '5',
          uniqueViewers: '1',
          durationSeconds: '30',
          lastSequence: '6',
        });
      }
      await untilTriggersAcked();
    } finally {
      await second.stop();
    }
  });

  it('aggregation - a read of a session not folded yet folds it at once', async () => {
    await stopAggregation();
    // The fold loop will not run during this test: only the read itself can fold.
    await startAggregation({ foldIntervalMs: 600_000 });
    const s = sessionScript();
    await publish([s.status(0, StreamState.STREAM_STATE_LIVE), s.chat(1, '41')]);
    await until('Event to store both events', () =>
      storedCount(s.sessionId) === 2 ? true : undefined,
    );

    expect(numbers(await get(s.sessionId))).toMatchObject({
      messageCount: '1',
      lastSequence: '2',
      final: false,
    });
    await stopAggregation();
    await startAggregation();
  });

  it('aggregation - refuses an unknown session and a bad id', async () => {
    const unknown = String(++lastSession);

    expect(await refusal(get(unknown))).toEqual({
      code: status.NOT_FOUND,
      reason: 'SESSION_AGGREGATES_NOT_FOUND',
    });
    expect(await refusal(recompute(unknown))).toEqual({
      code: status.NOT_FOUND,
      reason: 'SESSION_AGGREGATES_NOT_FOUND',
    });
    expect(await refusal(get('0'))).toEqual({
      code: status.INVALID_ARGUMENT,
      reason: 'INVALID_ID',
    });
  });
});

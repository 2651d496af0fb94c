import { startNats, startPostgres, type NatsServer, type PostgresServer } from '@roomcast/harness';
import { decodeEvent } from '@roomcast/kit';
import { EventType, StreamState, type Event } from '@roomcast/proto';
import { connect, type JetStreamClient, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chatEvent,
  eventually,
  freshSessionId,
  listAll,
  publishRaw,
  startEvent,
  statusEvent,
  storedCount,
  type EventInstance,
} from './event-fixture.js';

let postgres: PostgresServer;
let nats: NatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let main: EventInstance;

beforeAll(async () => {
  [postgres, nats] = await Promise.all([startPostgres(), startNats()]);
  main = await startEvent({ postgres, nats });
  nc = await connect({ servers: nats.url });
  js = nc.jetstream();
});

afterAll(async () => {
  await nc?.close();
  await main?.stop();
  await Promise.all([postgres?.stop(), nats?.stop()]);
});

/** The ids of stored events grouped by session, in sequence order, checking 1..N. */
function expectGaplessSequences(events: Event[]): void {
  expect(events.map((event) => event.sequence)).toEqual(events.map((_, i) => String(i + 1)));
}

/** Events spread round-robin over sessions: the order a busy platform interleaves them. */
function interleavedBurst(sessions: string[], count: number): Event[] {
  return Array.from({ length: count }, (_, i) =>
    chatEvent(sessions[i % sessions.length]!, String(1 + (i % 5)), `message ${i} ✨`),
  );
}

async function expectStoredInPublishOrder(
  client: EventInstance['client'],
  sessions: string[],
  published: Event[],
): Promise<void> {
  for (const sessionId of sessions) {
    const sent = published.filter((event) => event.sessionId === sessionId);
    const stored = await storedCount(client, sessionId, sent.length);
    expect(stored.map((event) => event.eventId)).toEqual(sent.map((event) => event.eventId));
    expectGaplessSequences(stored);
  }
}

describe('event ingest', () => {
  it('event - stores a re-published event once', async () => {
    const sessionId = freshSessionId();
    const first = chatEvent(sessionId, '1', 'hello');
    const second = chatEvent(sessionId, '2', 'again');

    await publishRaw(js, [first, first, first, second, first]);

    const stored = await storedCount(main.client, sessionId, 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await listAll(main.client, sessionId);
    expect(after.map((event) => event.eventId)).toEqual([first.eventId, second.eventId]);
    expectGaplessSequences(stored);
    expect(after[0]!.chat?.text).toBe('hello');
  });

  it('event - numbers each session 1..N with no gap, in publish order across sessions', async () => {
    const sessions = [freshSessionId(), freshSessionId(), freshSessionId()];
    const burst = interleavedBurst(sessions, 300);

    await publishRaw(js, burst);

    await expectStoredInPublishOrder(main.client, sessions, burst);
  });

  it('event - publishes each stored event on events.stored.<type> with its sequence', async () => {
    const sessionId = freshSessionId();
    const received: Array<{ subject: string; event: Event }> = [];
    const sub = nc.subscribe('events.stored.>', {
      callback: (_error, message) => {
        const event = decodeEvent(message.data);
        if (event.sessionId === sessionId) received.push({ subject: message.subject, event });
      },
    });
    const sent = [
      statusEvent(sessionId, StreamState.STREAM_STATE_LIVE),
      chatEvent(sessionId, '3', 'héllo 🌍'),
    ];

    await publishRaw(js, sent);
    await eventually(async () => (received.length >= 2 ? true : undefined), {
      what: 'two stored events on NATS',
    });
    sub.unsubscribe();

    expect(received.map((r) => r.subject)).toEqual([
      'events.stored.stream.status',
      'events.stored.chat.message',
    ]);
    expect(received.map((r) => r.event.sequence)).toEqual(['1', '2']);
    expect(received[1]!.event.chat?.text).toBe('héllo 🌍');
    expect(received[1]!.event.storeTime).toBeInstanceOf(Date);
  });

  it('event - skips a malformed raw message without blocking the stream', async () => {
    const sessionId = freshSessionId();
    const encoder = new TextEncoder();

    await js.publish('events.raw.chat.message', encoder.encode('not json at all'));
    await js.publish('events.raw.chat.message', encoder.encode('{"eventId":"x-no-session"}'));
    await js.publish('events.raw.chat.message', encoder.encode('{"hello":"world"}'));
    await publishRaw(js, [chatEvent(sessionId, '1', 'after the junk')]);

    const stored = await storedCount(main.client, sessionId, 1);
    expect(stored[0]!.chat?.text).toBe('after the junk');
    expect(stored[0]!.sequence).toBe('1');
  });

  it('event - skips a raw event PostgreSQL refuses without blocking the stream', async () => {
    const sessionId = freshSessionId();
    // A 19-digit session id passes the envelope check but is past PostgreSQL's bigint range.
    const outOfRange = chatEvent('9999999999999999999', '1', 'cannot be stored');

    await publishRaw(js, [chatEvent(sessionId, '1', 'before'), outOfRange]);
    await publishRaw(js, [chatEvent(sessionId, '1', 'after')]);

    const stored = await storedCount(main.client, sessionId, 2);
    expect(stored.map((event) => event.chat?.text)).toEqual(['before', 'after']);
    expectGaplessSequences(stored);
  });

  it('event - two instances store a 2000-event burst once each, in publish order', async () => {
    const second = await startEvent({ postgres, nats });
    try {
      const sessions = Array.from({ length: 8 }, () => freshSessionId());
      const burst = interleavedBurst(sessions, 2_000);

      await publishRaw(js, burst);

      await expectStoredInPublishOrder(second.client, sessions, burst);
    } finally {
      await second.stop();
    }
  });

  it('event - a restart in the middle of a burst loses and doubles nothing', async () => {
    const sessions = [freshSessionId(), freshSessionId()];
    const burst = interleavedBurst(sessions, 1_000);

    await publishRaw(js, burst.slice(0, 400));
    await main.stop();
    await publishRaw(js, burst.slice(400, 700));
    main = await startEvent({ postgres, nats });
    await publishRaw(js, burst.slice(700));

    await expectStoredInPublishOrder(main.client, sessions, burst);
  });

  it('event - the outbox publishes what a crash between commit and publish left', async () => {
    const sessionId = freshSessionId();
    const sent = [
      statusEvent(sessionId, StreamState.STREAM_STATE_LIVE),
      ...Array.from({ length: 5 }, (_, i) => chatEvent(sessionId, '4', `lost? ${i}`)),
    ];
    const received: Event[] = [];
    const sub = nc.subscribe('events.stored.>', {
      callback: (_error, message) => {
        const event = decodeEvent(message.data);
        if (event.sessionId === sessionId) received.push(event);
      },
    });

    await main.stop();
    const crashing = await startEvent(
      { postgres, nats },
      {
        afterCommit: () => {
          throw new Error('simulated crash after commit');
        },
      },
    );
    await publishRaw(js, sent);
    await storedCount(crashing.client, sessionId, sent.length);
    await crashing.stop();
    expect(received).toEqual([]);

    main = await startEvent({ postgres, nats });
    await eventually(async () => (received.length >= sent.length ? true : undefined), {
      what: 'the outbox to publish the stored events',
    });
    sub.unsubscribe();
    expect(received.map((event) => event.eventId)).toEqual(sent.map((event) => event.eventId));
    expectGaplessSequences(received);
    expect(received.every((event) => event.type !== EventType.EVENT_TYPE_UNSPECIFIED)).toBe(true);
  });
});

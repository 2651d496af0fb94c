import { status as GrpcStatus } from '@grpc/grpc-js';
import { callUnary, ensurePlatformStreams, RAW_STREAM } from '@roomcast/kit';
import { StreamState, type Session } from '@roomcast/proto';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectRefused, startSessionFixture, type SessionFixture } from './session-fixture.js';

let fx: SessionFixture;
let nc: NatsConnection;
beforeAll(async () => {
  fx = await startSessionFixture();
  nc = await connect({ servers: fx.infra.nats.url });
});
afterAll(async () => {
  await nc?.close();
  await fx?.stop();
});

async function liveSession(chat = { maxMessageLength: 0, slowModeSeconds: 0 }): Promise<Session> {
  const room = await fx.createRoom({ chat });
  return callUnary(fx.sessions, fx.sessions.startSession, { roomId: room.id, title: '' });
}

function post(sessionId: string, text: string, userId = '7') {
  return callUnary(fx.sessions, fx.sessions.postChatMessage, { sessionId, userId, text });
}

/** Texts that break naive string handling: astral emoji, ZWJ sequences, RTL, combining marks. */
const TRICKY_TEXTS = [
  'hello 👋🏽 world',
  '👩‍👩‍👧‍👦 family',
  'مرحبا بالعالم',
  'שלום עולם',
  'e\u0301 vs é, n\u0303',
  '  kept spaces  ',
  '中文 日本語 한국어',
  'line one\nline two',
];

describe('session chat', () => {
  it('session - publishes chat text exactly as sent, emoji and RTL intact', async () => {
    const session = await liveSession();

    for (const text of TRICKY_TEXTS) {
      const { eventId } = await post(session.id, text);
      const tapped = await fx.tap.waitFor((t) => t.event.eventId === eventId);

      expect(tapped.subject).toBe('events.raw.chat.message');
      expect(tapped.json).toMatchObject({
        eventId,
        sessionId: session.id,
        roomId: session.roomId,
        type: 'EVENT_TYPE_CHAT_MESSAGE',
        source: 'session',
        chat: { userId: '7', text },
      });
      expect(Buffer.from((tapped.json.chat as { text: string }).text)).toEqual(Buffer.from(text));
    }
  });

  it('session - counts the length limit in code points, not UTF-16 units', async () => {
    const session = await liveSession({ maxMessageLength: 5, slowModeSeconds: 0 });
    await post(session.id, '🎉🎉🎉🎉🎉');

    const message = await expectRefused(
      post(session.id, '🎉🎉🎉🎉🎉🎉'),
      GrpcStatus.INVALID_ARGUMENT,
      'MESSAGE_TOO_LONG',
    );
    expect(message).toContain('at most 5');
  });

  it('session - applies the default limit of 500 when the room leaves it at 0', async () => {
    const session = await liveSession();
    await post(session.id, 'x'.repeat(500));
    await expectRefused(
      post(session.id, 'x'.repeat(501)),
      GrpcStatus.INVALID_ARGUMENT,
      'MESSAGE_TOO_LONG',
    );
  });

  it('session - refuses messages that are only whitespace', async () => {
    const session = await liveSession();
    for (const text of ['', ' ', '\n\t ', '\u3000']) {
      await expectRefused(post(session.id, text), GrpcStatus.INVALID_ARGUMENT, 'EMPTY_MESSAGE');
    }
  });

  it('session - accepts chat while paused and refuses it once ended', async () => {
    const session = await liveSession();
    await callUnary(fx.sessions, fx.sessions.setStreamStatus, {
      sessionId: session.id,
      state: StreamState.STREAM_STATE_PAUSED,
    });
    await post(session.id, 'still here');

    await callUnary(fx.sessions, fx.sessions.endSession, { sessionId: session.id });
    await expectRefused(
      post(session.id, 'too late'),
      GrpcStatus.FAILED_PRECONDITION,
      'SESSION_ENDED',
    );
  });

  it('session - holds each user to the slow-mode interval, per session', async () => {
    const session = await liveSession({ maxMessageLength: 0, slowModeSeconds: 1 });
    const other = await liveSession({ maxMessageLength: 0, slowModeSeconds: 1 });
    await post(session.id, 'first', '1');

    const message = await expectRefused(
      post(session.id, 'second', '1'),
      GrpcStatus.RESOURCE_EXHAUSTED,
      'SLOW_MODE',
    );
    expect(message).toContain('wait 1 seconds');
    await post(session.id, 'another user', '2');
    await post(other.id, 'same user, other session', '1');

    // Redis expires the turn itself; there is no clock to inject, so wait for the real second.
    await vi.waitFor(() => post(session.id, 'after the interval', '1'), {
      timeout: 3_000,
      interval: 200,
    });
  });

  it('session - picks up a room settings change on the next message', async () => {
    const session = await liveSession({ maxMessageLength: 10, slowModeSeconds: 0 });
    await expectRefused(
      post(session.id, 'x'.repeat(11)),
      GrpcStatus.INVALID_ARGUMENT,
      'MESSAGE_TOO_LONG',
    );
    await callUnary(fx.rooms, fx.rooms.updateRoom, {
      roomId: session.roomId,
      chat: { maxMessageLength: 20, slowModeSeconds: 0 },
    });
    await post(session.id, 'x'.repeat(11));
  });

  it('session - publishes with the event id as message id, so JetStream drops a re-publish', async () => {
    const session = await liveSession();
    const { eventId } = await post(session.id, 'once only');
    const tapped = await fx.tap.waitFor((t) => t.event.eventId === eventId);

    const js = nc.jetstream();
    const ack = await js.publish('events.raw.chat.message', JSON.stringify(tapped.json), {
      msgID: eventId,
    });
    expect(ack.duplicate).toBe(true);
  });

  it('session - answers only after JetStream stored the message, and keeps the slow-mode turn otherwise', async () => {
    const session = await liveSession({ maxMessageLength: 0, slowModeSeconds: 60 });
    const jsm = await nc.jetstreamManager();
    const before = (await jsm.streams.info(RAW_STREAM)).state.messages;
    const { eventId } = await post(session.id, 'durable', '5');
    const stored = await jsm.streams.getMessage(RAW_STREAM, { seq: before + 1 });
    expect(stored.header.get('Nats-Msg-Id')).toBe(eventId);

    await jsm.streams.delete(RAW_STREAM);
    try {
      await expectRefused(
        post(session.id, 'nowhere to go', '6'),
        GrpcStatus.UNAVAILABLE,
        'EVENT_PUBLISH_FAILED',
      );
    } finally {
      await ensurePlatformStreams(jsm);
    }
    await post(session.id, 'slow-mode turn was given back', '6');

    // The refused message never reached the stream; only the retry did.
    const after = await jsm.streams.info(RAW_STREAM);
    expect(after.state.messages).toBe(1);
    const kept = await jsm.streams.getMessage(RAW_STREAM, { seq: after.state.first_seq });
    expect(kept.json<{ chat: { text: string } }>().chat.text).toBe('slow-mode turn was given back');
  });

  it('session - accepts no chat message that would land after the session ended', async () => {
    const session = await liveSession();
    const posts = Array.from({ length: 60 }, (_, index) =>
      post(session.id, `race ${index}`).then(
        ({ eventId }) => eventId,
        () => undefined,
      ),
    );
    const ended = callUnary(fx.sessions, fx.sessions.endSession, { sessionId: session.id });
    const accepted = (await Promise.all(posts)).filter((id): id is string => id !== undefined);
    await ended;

    const order = await rawEventsOf(session.id);
    const endIndex = order.findIndex(
      (event) => event.type === 'EVENT_TYPE_STREAM_STATUS' && event.state === 'STREAM_STATE_ENDED',
    );
    expect(endIndex).toBeGreaterThan(-1);
    const chatsBeforeEnd = order
      .slice(0, endIndex)
      .filter((event) => event.type === 'EVENT_TYPE_CHAT_MESSAGE');
    expect(order.slice(endIndex).some((event) => event.type === 'EVENT_TYPE_CHAT_MESSAGE')).toBe(
      false,
    );
    expect(chatsBeforeEnd.map((event) => event.eventId).sort()).toEqual([...accepted].sort());
  });

  it('session - refuses chat text with a NUL character as INVALID_TEXT', async () => {
    // gRPC carries strings as UTF-8, so a lone surrogate arrives here already replaced;
    // NUL arrives intact and cannot be stored.
    const session = await liveSession();
    await expectRefused(post(session.id, 'a\u0000b'), GrpcStatus.INVALID_ARGUMENT, 'INVALID_TEXT');
  });
});

/** The session's raw events in JetStream stream order (acceptance order). */
async function rawEventsOf(sessionId: string) {
  const js = nc.jetstream();
  const consumer = await js.consumers.get(RAW_STREAM);
  const info = await (await nc.jetstreamManager()).streams.info(RAW_STREAM);
  const events: Array<{ eventId: string; type: string; state?: string }> = [];
  const messages = await consumer.fetch({ max_messages: info.state.messages, expires: 2_000 });
  for await (const message of messages) {
    const json = message.json<{
      eventId: string;
      sessionId: string;
      type: string;
      streamStatus?: { state: string };
    }>();
    if (json.sessionId === sessionId) {
      events.push({ eventId: json.eventId, type: json.type, state: json.streamStatus?.state });
    }
    if (message.seq >= info.state.last_seq) break;
  }
  return events;
}

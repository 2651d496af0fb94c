import { status as GrpcStatus } from '@grpc/grpc-js';
import { freePort } from '@roomcast/harness';
import { callUnary, isServiceError, errorCodeOf } from '@roomcast/kit';
import { StreamState, type Session } from '@roomcast/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefused, startSessionFixture, type SessionFixture } from './session-fixture.js';

let fx: SessionFixture;
beforeAll(async () => {
  fx = await startSessionFixture();
});
afterAll(() => fx?.stop());

function start(roomId: string, title = ''): Promise<Session> {
  return callUnary(fx.sessions, fx.sessions.startSession, { roomId, title });
}

function setStatus(sessionId: string, state: StreamState): Promise<Session> {
  return callUnary(fx.sessions, fx.sessions.setStreamStatus, { sessionId, state });
}

function end(sessionId: string): Promise<Session> {
  return callUnary(fx.sessions, fx.sessions.endSession, { sessionId });
}

describe('session lifecycle', () => {
  it('session - starts live in a room and publishes a LIVE stream.status event', async () => {
    const room = await fx.createRoom({ title: 'Morning show' });
    const session = await start(room.id);
    expect(session).toMatchObject({
      roomId: room.id,
      title: 'Morning show',
      state: StreamState.STREAM_STATE_LIVE,
      viewerCount: '0',
    });

    const tapped = await fx.tap.waitFor((t) => t.event.sessionId === session.id);
    expect(tapped.subject).toBe('events.raw.stream.status');
    expect(tapped.json).toMatchObject({
      sessionId: session.id,
      roomId: room.id,
      type: 'EVENT_TYPE_STREAM_STATUS',
      source: 'session',
      streamStatus: { state: 'STREAM_STATE_LIVE' },
    });
    expect(tapped.json.eventId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('session - keeps a title given at start', async () => {
    const room = await fx.createRoom();
    const session = await start(room.id, '  Episode 7 — финал  ');
    expect(session.title).toBe('Episode 7 — финал');
  });

  it('session - refuses to start in a room that does not exist', async () => {
    await expectRefused(start('987654'), GrpcStatus.NOT_FOUND, 'ROOM_NOT_FOUND');
  });

  it('session - refuses to start in an archived room', async () => {
    const room = await fx.createRoom();
    await callUnary(fx.rooms, fx.rooms.archiveRoom, { roomId: room.id });
    await expectRefused(start(room.id), GrpcStatus.FAILED_PRECONDITION, 'ROOM_ARCHIVED');
  });

  it('session - reports an unreachable Room service as UNAVAILABLE', async () => {
    const port = await freePort();
    const extra = await fx.startExtraSession({
      roomServiceAddr: `127.0.0.1:${port}`,
      roomDeadlineMs: 500,
    });
    try {
      await expectRefused(
        callUnary(extra.client, extra.client.startSession, { roomId: '1', title: '' }),
        GrpcStatus.UNAVAILABLE,
        'ROOM_SERVICE_UNAVAILABLE',
      );
    } finally {
      await extra.stop();
    }
  });

  it('session - refuses a second live session in the same room', async () => {
    const room = await fx.createRoom();
    await start(room.id);
    await expectRefused(start(room.id), GrpcStatus.ALREADY_EXISTS, 'SESSION_ALREADY_LIVE');
  });

  it('session - lets exactly one of many concurrent starts in a room win', async () => {
    const room = await fx.createRoom();
    const attempts = await Promise.allSettled(Array.from({ length: 12 }, () => start(room.id)));

    const won = attempts.filter((a) => a.status === 'fulfilled');
    const lost = attempts.flatMap((a) => (a.status === 'rejected' ? [a.reason as unknown] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(11);
    for (const error of lost) {
      expect(isServiceError(error) && error.code).toBe(GrpcStatus.ALREADY_EXISTS);
      expect(isServiceError(error) && errorCodeOf(error)).toBe('SESSION_ALREADY_LIVE');
    }

    await fx.tap.settle();
    const liveEvents = fx.tap.seen.filter((t) => t.event.roomId === room.id);
    expect(liveEvents).toHaveLength(1);
  });

  it('session - pauses, resumes and ends, publishing each change once', async () => {
    const room = await fx.createRoom();
    const session = await start(room.id);

    expect((await setStatus(session.id, StreamState.STREAM_STATE_PAUSED)).state).toBe(
      StreamState.STREAM_STATE_PAUSED,
    );
    // Asking for the state it is already in changes nothing and publishes nothing.
    await setStatus(session.id, StreamState.STREAM_STATE_PAUSED);
    await setStatus(session.id, StreamState.STREAM_STATE_LIVE);
    const ended = await end(session.id);
    expect(ended.state).toBe(StreamState.STREAM_STATE_ENDED);
    expect(ended.endTime).toBeInstanceOf(Date);

    await fx.tap.waitFor(
      (t) =>
        t.event.sessionId === session.id &&
        t.json.streamStatus !== undefined &&
        t.event.streamStatus?.state === StreamState.STREAM_STATE_ENDED,
    );
    const states = fx.tap
      .ofSession(session.id)
      .map((t) => [t.subject, t.event.streamStatus?.state]);
    expect(states).toEqual([
      ['events.raw.stream.status', StreamState.STREAM_STATE_LIVE],
      ['events.raw.stream.status', StreamState.STREAM_STATE_PAUSED],
      ['events.raw.stream.status', StreamState.STREAM_STATE_LIVE],
      ['events.raw.stream.status', StreamState.STREAM_STATE_ENDED],
    ]);
  });

  it('session - refuses to end or change an ended session, and allows a new one after', async () => {
    const room = await fx.createRoom();
    const session = await start(room.id);
    await end(session.id);

    await expectRefused(end(session.id), GrpcStatus.FAILED_PRECONDITION, 'SESSION_ENDED');
    await expectRefused(
      setStatus(session.id, StreamState.STREAM_STATE_LIVE),
      GrpcStatus.FAILED_PRECONDITION,
      'SESSION_ENDED',
    );

    const next = await start(room.id);
    expect(next.id).not.toBe(session.id);
  });

  it('session - reports an unknown session as SESSION_NOT_FOUND on every RPC', async () => {
    const id = '888888';
    const s = fx.sessions;
    await expectRefused(
      callUnary(s, s.getSession, { sessionId: id }),
      GrpcStatus.NOT_FOUND,
      'SESSION_NOT_FOUND',
    );
    await expectRefused(
      setStatus(id, StreamState.STREAM_STATE_LIVE),
      GrpcStatus.NOT_FOUND,
      'SESSION_NOT_FOUND',
    );
    await expectRefused(end(id), GrpcStatus.NOT_FOUND, 'SESSION_NOT_FOUND');
    await expectRefused(
      callUnary(s, s.postChatMessage, { sessionId: id, userId: '1', text: 'hi' }),
      GrpcStatus.NOT_FOUND,
      'SESSION_NOT_FOUND',
    );
    await expectRefused(
      callUnary(s, s.updateSessionAggregates, {
        sessionId: id,
        aggregates: { ...aggregates('1') },
      }),
      GrpcStatus.NOT_FOUND,
      'SESSION_NOT_FOUND',
    );
  });

  it('session - lists sessions newest first, by room, a page at a time', async () => {
    const room = await fx.createRoom();
    const made: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const session = await start(room.id);
      made.push(session.id);
      await end(session.id);
    }

    const listed: string[] = [];
    let pageToken = '';
    do {
      const page = await callUnary(fx.sessions, fx.sessions.listSessions, {
        roomId: room.id,
        pageSize: 2,
        pageToken,
      });
      expect(page.sessions.length).toBeLessThanOrEqual(2);
      listed.push(...page.sessions.map((s) => s.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(listed).toEqual([...made].reverse());

    const everyRoom = await callUnary(fx.sessions, fx.sessions.listSessions, {
      roomId: '0',
      pageSize: 200,
      pageToken: '',
    });
    expect(new Set(everyRoom.sessions.map((s) => s.roomId)).size).toBeGreaterThan(1);
  });

  it('session - stores aggregates and serves them, ignoring an older update', async () => {
    const room = await fx.createRoom();
    const session = await start(room.id);

    const updated = await callUnary(fx.sessions, fx.sessions.updateSessionAggregates, {
      sessionId: session.id,
      aggregates: aggregates('40'),
    });
    expect(updated.aggregates).toMatchObject({ messageCount: '40', lastSequence: '40' });

    await callUnary(fx.sessions, fx.sessions.updateSessionAggregates, {
      sessionId: session.id,
      aggregates: { ...aggregates('12'), messageCount: '12' },
    });
    const read = await callUnary(fx.sessions, fx.sessions.getSession, { sessionId: session.id });
    expect(read.aggregates).toEqual(updated.aggregates);

    const listed = await callUnary(fx.sessions, fx.sessions.listSessions, {
      roomId: room.id,
      pageSize: 0,
      pageToken: '',
    });
    expect(listed.sessions[0]!.aggregates).toEqual(updated.aggregates);
  });
});

function aggregates(lastSequence: string) {
  return {
    sessionId: '0',
    messageCount: lastSequence,
    uniqueChatters: '3',
    peakConcurrentViewers: '9',
    uniqueViewers: '11',
    durationSeconds: '120',
    messagesPerMinute: 20,
    final: false,
    lastSequence,
    updateTime: new Date('2025-01-01T00:00:00Z'),
  };
}

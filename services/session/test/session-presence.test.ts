import { status as GrpcStatus } from '@grpc/grpc-js';
import { callUnary, createRedis, type Redis } from '@roomcast/kit';
import { PresenceAction, type Session } from '@roomcast/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presenceKeys } from '../src/presence-ledger.js';
import { expectRefused, startSessionFixture, type SessionFixture } from './session-fixture.js';

const { PRESENCE_ACTION_JOIN: JOIN, PRESENCE_ACTION_LEAVE: LEAVE } = PresenceAction;

let fx: SessionFixture;
let redis: Redis;
beforeAll(async () => {
  fx = await startSessionFixture();
  redis = createRedis(fx.infra.redis.url);
});
afterAll(async () => {
  await redis?.quit();
  await fx?.stop();
});

async function liveSession(): Promise<Session> {
  const room = await fx.createRoom();
  return callUnary(fx.sessions, fx.sessions.startSession, { roomId: room.id, title: '' });
}

async function signal(
  sessionId: string,
  userId: string,
  action: PresenceAction,
  connectionId: string,
): Promise<string> {
  const reply = await callUnary(fx.sessions, fx.sessions.signalUserPresence, {
    sessionId,
    userId,
    action,
    connectionId,
  });
  return reply.viewerCount;
}

async function viewerCount(sessionId: string): Promise<string> {
  return (await callUnary(fx.sessions, fx.sessions.getSession, { sessionId })).viewerCount;
}

/** The presence events of a session as [action, user, connection, viewer count]. */
async function presenceEvents(sessionId: string) {
  await fx.tap.settle();
  return fx.tap
    .ofSession(sessionId)
    .filter((t) => t.subject === 'events.raw.user.presence')
    .map((t) => {
      const p = t.event.presence!;
      return [p.action === JOIN ? 'join' : 'leave', p.userId, p.connectionId, p.viewerCount];
    });
}

describe('session presence', () => {
  it('session - counts a user on two sockets as one viewer', async () => {
    const session = await liveSession();

    expect(await signal(session.id, '1', JOIN, 'a1')).toBe('1');
    expect(await signal(session.id, '1', JOIN, 'a2')).toBe('1');
    expect(await signal(session.id, '2', JOIN, 'b1')).toBe('2');
    expect(await viewerCount(session.id)).toBe('2');

    expect(await signal(session.id, '1', LEAVE, 'a1')).toBe('2');
    expect(await signal(session.id, '1', LEAVE, 'a2')).toBe('1');
    expect(await viewerCount(session.id)).toBe('1');

    await fx.tap.waitFor(
      (t) => t.event.presence?.connectionId === 'a2' && t.event.presence.action === LEAVE,
    );
    expect(await presenceEvents(session.id)).toEqual([
      ['join', '1', 'a1', '1'],
      ['join', '1', 'a2', '1'],
      ['join', '2', 'b1', '2'],
      ['leave', '1', 'a1', '2'],
      ['leave', '1', 'a2', '1'],
    ]);
  });

  it('session - ignores a repeated join and a leave of an unknown connection', async () => {
    const session = await liveSession();
    await signal(session.id, '1', JOIN, 'c1');

    expect(await signal(session.id, '1', JOIN, 'c1')).toBe('1');
    expect(await signal(session.id, '1', LEAVE, 'never-joined')).toBe('1');
    expect(await signal(session.id, '3', LEAVE, 'also-unknown')).toBe('1');

    expect(await presenceEvents(session.id)).toEqual([['join', '1', 'c1', '1']]);
  });

  it('session - keeps counts right under concurrent joins and leaves', async () => {
    const session = await liveSession();
    const sockets = Array.from({ length: 40 }, (_, i) => ({
      user: String(1 + (i % 8)),
      id: `s${i}`,
    }));

    await Promise.all(sockets.map((s) => signal(session.id, s.user, JOIN, s.id)));
    expect(await viewerCount(session.id)).toBe('8');

    // Every socket of users 1-3 leaves, plus one of each other user's: five users remain.
    const leaving = sockets.filter((s, i) => Number(s.user) <= 3 || i < 8);
    await Promise.all(leaving.map((s) => signal(session.id, s.user, LEAVE, s.id)));
    expect(await viewerCount(session.id)).toBe('5');
  });

  it('session - keeps the viewer count across a Session service restart', async () => {
    const session = await liveSession();
    await signal(session.id, '1', JOIN, 'r1');
    await signal(session.id, '2', JOIN, 'r2');
    await signal(session.id, '2', JOIN, 'r3');

    await fx.restartSession();

    expect(await viewerCount(session.id)).toBe('2');
    expect(await signal(session.id, '2', LEAVE, 'r2')).toBe('2');
    expect(await signal(session.id, '2', LEAVE, 'r3')).toBe('1');
    const listed = await callUnary(fx.sessions, fx.sessions.listSessions, {
      roomId: session.roomId,
      pageSize: 0,
      pageToken: '',
    });
    expect(listed.sessions[0]!.viewerCount).toBe('1');
  });

  it('session - clears viewers when the session ends and refuses later joins', async () => {
    const session = await liveSession();
    await signal(session.id, '1', JOIN, 'e1');
    await signal(session.id, '2', JOIN, 'e2');
    const keys = presenceKeys(session.id);
    expect(await redis.exists(keys.connections, keys.users)).toBe(2);

    const ended = await callUnary(fx.sessions, fx.sessions.endSession, { sessionId: session.id });
    expect(ended.viewerCount).toBe('0');
    expect(await redis.exists(keys.connections, keys.users)).toBe(0);
    expect(await viewerCount(session.id)).toBe('0');

    await expectRefused(
      signal(session.id, '3', JOIN, 'e3'),
      GrpcStatus.FAILED_PRECONDITION,
      'SESSION_ENDED',
    );
    // Sockets closing after the end are normal and change nothing.
    expect(await signal(session.id, '1', LEAVE, 'e1')).toBe('0');
    expect(await redis.exists(keys.connections, keys.users)).toBe(0);
  });

  it('session - refuses presence for a session that does not exist', async () => {
    await expectRefused(
      signal('777777', '1', JOIN, 'x'),
      GrpcStatus.NOT_FOUND,
      'SESSION_NOT_FOUND',
    );
  });
});

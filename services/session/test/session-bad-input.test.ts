import { status as GrpcStatus } from '@grpc/grpc-js';
import { callUnary } from '@roomcast/kit';
import { PresenceAction, SessionAggregates, StreamState } from '@roomcast/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefused, startSessionFixture, type SessionFixture } from './session-fixture.js';

let fx: SessionFixture;
let sessionId: string;
let roomId: string;

beforeAll(async () => {
  fx = await startSessionFixture();
  const room = await fx.createRoom();
  roomId = room.id;
  const session = await callUnary(fx.sessions, fx.sessions.startSession, { roomId, title: '' });
  sessionId = session.id;
});
afterAll(() => fx?.stop());

interface BadInput {
  name: string;
  call: () => Promise<unknown>;
  code: string;
}

const s = () => fx.sessions;
const start = (f: { roomId?: string; title?: string }) =>
  callUnary(s(), s().startSession, { roomId, title: '', ...f });
const list = (f: { roomId?: string; pageSize?: number; pageToken?: string }) =>
  callUnary(s(), s().listSessions, { roomId: '0', pageSize: 0, pageToken: '', ...f });
const status = (f: { sessionId?: string; state?: StreamState }) =>
  callUnary(s(), s().setStreamStatus, { sessionId, state: StreamState.STREAM_STATE_LIVE, ...f });
const post = (f: { sessionId?: string; userId?: string; text?: string }) =>
  callUnary(s(), s().postChatMessage, { sessionId, userId: '1', text: 'hi', ...f });
const presence = (f: {
  sessionId?: string;
  userId?: string;
  action?: PresenceAction;
  connectionId?: string;
}) =>
  callUnary(s(), s().signalUserPresence, {
    sessionId,
    userId: '1',
    action: PresenceAction.PRESENCE_ACTION_JOIN,
    connectionId: 'c1',
    ...f,
  });
const aggregates = (f: { sessionId?: string; aggregates?: Partial<SessionAggregates> | null }) =>
  callUnary(s(), s().updateSessionAggregates, {
    sessionId: f.sessionId ?? sessionId,
    aggregates:
      f.aggregates === null ? undefined : SessionAggregates.fromPartial(f.aggregates ?? {}),
  });

const cases: BadInput[] = [
  { name: 'StartSession without room_id', call: () => start({ roomId: '0' }), code: 'INVALID_ID' },
  {
    name: 'StartSession with a negative room_id',
    call: () => start({ roomId: '-2' }),
    code: 'INVALID_ID',
  },
  {
    name: 'StartSession with a blank title',
    call: () => start({ title: '   ' }),
    code: 'INVALID_TITLE',
  },
  {
    name: 'StartSession with a 201-char title',
    call: () => start({ title: 'é'.repeat(201) }),
    code: 'INVALID_TITLE',
  },
  {
    name: 'GetSession without session_id',
    call: () => callUnary(s(), s().getSession, { sessionId: '0' }),
    code: 'INVALID_ID',
  },
  {
    name: 'ListSessions with a negative room_id',
    call: () => list({ roomId: '-1' }),
    code: 'INVALID_ID',
  },
  {
    name: 'ListSessions with page_size 201',
    call: () => list({ pageSize: 201 }),
    code: 'INVALID_PAGE_SIZE',
  },
  {
    name: 'ListSessions with a negative page_size',
    call: () => list({ pageSize: -4 }),
    code: 'INVALID_PAGE_SIZE',
  },
  {
    name: 'ListSessions with a forged page_token',
    call: () => list({ pageToken: 'xyz' }),
    code: 'INVALID_PAGE_TOKEN',
  },
  {
    name: 'SetStreamStatus without session_id',
    call: () => status({ sessionId: '0' }),
    code: 'INVALID_ID',
  },
  {
    name: 'SetStreamStatus to UNSPECIFIED',
    call: () => status({ state: StreamState.STREAM_STATE_UNSPECIFIED }),
    code: 'INVALID_STREAM_STATE',
  },
  {
    name: 'SetStreamStatus to ENDED',
    call: () => status({ state: StreamState.STREAM_STATE_ENDED }),
    code: 'INVALID_STREAM_STATE',
  },
  {
    name: 'EndSession without session_id',
    call: () => callUnary(s(), s().endSession, { sessionId: '0' }),
    code: 'INVALID_ID',
  },
  {
    name: 'PostChatMessage without session_id',
    call: () => post({ sessionId: '0' }),
    code: 'INVALID_ID',
  },
  {
    name: 'PostChatMessage without user_id',
    call: () => post({ userId: '0' }),
    code: 'INVALID_ID',
  },
  {
    name: 'PostChatMessage with a negative user_id',
    call: () => post({ userId: '-9' }),
    code: 'INVALID_ID',
  },
  {
    name: 'PostChatMessage with empty text',
    call: () => post({ text: '' }),
    code: 'EMPTY_MESSAGE',
  },
  {
    name: 'PostChatMessage with blank text',
    call: () => post({ text: ' \n ' }),
    code: 'EMPTY_MESSAGE',
  },
  {
    name: 'PostChatMessage with 501 characters',
    call: () => post({ text: '😀'.repeat(501) }),
    code: 'MESSAGE_TOO_LONG',
  },
  {
    name: 'SignalUserPresence without session_id',
    call: () => presence({ sessionId: '0' }),
    code: 'INVALID_ID',
  },
  {
    name: 'SignalUserPresence without user_id',
    call: () => presence({ userId: '0' }),
    code: 'INVALID_ID',
  },
  {
    name: 'SignalUserPresence without connection_id',
    call: () => presence({ connectionId: '' }),
    code: 'INVALID_CONNECTION_ID',
  },
  {
    name: 'SignalUserPresence with a 129-char connection_id',
    call: () => presence({ connectionId: 'c'.repeat(129) }),
    code: 'INVALID_CONNECTION_ID',
  },
  {
    name: 'SignalUserPresence without action',
    call: () => presence({ action: PresenceAction.PRESENCE_ACTION_UNSPECIFIED }),
    code: 'INVALID_PRESENCE_ACTION',
  },
  {
    name: 'UpdateSessionAggregates without session_id',
    call: () => aggregates({ sessionId: '0' }),
    code: 'INVALID_ID',
  },
  {
    name: 'UpdateSessionAggregates without aggregates',
    call: () => aggregates({ aggregates: null }),
    code: 'INVALID_AGGREGATES',
  },
  {
    name: 'UpdateSessionAggregates for another session',
    call: () => aggregates({ aggregates: { sessionId: '99999' } }),
    code: 'INVALID_AGGREGATES',
  },
];

describe('session bad input', () => {
  it.each(cases)('session - refuses $name as $code', async ({ call, code }) => {
    await expectRefused(call(), GrpcStatus.INVALID_ARGUMENT, code);
  });

  it('session - publishes nothing for refused calls', async () => {
    await fx.tap.settle();
    const subjects = fx.tap.ofSession(sessionId).map((t) => t.subject);
    expect(subjects).toEqual(['events.raw.stream.status']);
  });
});

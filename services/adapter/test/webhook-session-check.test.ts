import { StreamState } from '@roomcast/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, startAdapterFixture, type AdapterFixture } from './adapter-fixture.js';

let fixture: AdapterFixture;
beforeAll(async () => {
  fixture = await startAdapterFixture();
  fixture.sessions.put({ id: '500', roomId: '50' });
  fixture.sessions.put({ id: '501', roomId: '50', state: StreamState.STREAM_STATE_ENDED });
});
afterAll(() => fixture?.stop());

const chat = { type: 'chat.message', session_id: '500', room_id: '50', user_id: '7', text: 'hi' };

/** The time `offsetS` seconds from now, in RFC 3339. */
const at = (offsetS: number) => new Date(Date.now() + offsetS * 1000).toISOString();

describe('adapter checks deliveries against Session', () => {
  it('adapter - publishes a delivery for a live session in its own room', async () => {
    const answer = await deliver(fixture.baseUrl, chat);
    expect(answer.status).toBe(202);
  });

  const refusals = [
    {
      name: 'a session that does not exist',
      payload: { ...chat, session_id: '999' },
      status: 404,
      code: 'WEBHOOK_UNKNOWN_SESSION',
      mentions: 'session_id 999',
    },
    {
      name: 'a room_id that is not the session’s room',
      payload: { ...chat, room_id: '51' },
      status: 400,
      code: 'WEBHOOK_ROOM_MISMATCH',
      mentions: 'room 50',
    },
    {
      name: 'a stream.offline for an ended session',
      payload: { type: 'stream.offline', session_id: '501', room_id: '50' },
      status: 409,
      code: 'WEBHOOK_SESSION_ENDED',
      mentions: 'session 501 has ended',
    },
    {
      name: 'chat for an ended session',
      payload: { ...chat, session_id: '501' },
      status: 409,
      code: 'WEBHOOK_SESSION_ENDED',
      mentions: 'has ended',
    },
    {
      name: 'an occurred_at in the year 9999',
      payload: { ...chat, occurred_at: '9999-12-31T23:59:59Z' },
      status: 400,
      code: 'WEBHOOK_INVALID_FIELD',
      mentions: 'occurred_at',
    },
    {
      name: 'an occurred_at more than the timestamp window ahead',
      payload: { ...chat, occurred_at: at(400) },
      status: 400,
      code: 'WEBHOOK_INVALID_FIELD',
      mentions: 'at most 300 s ahead',
    },
    {
      name: 'an occurred_at more than a day old',
      payload: { ...chat, occurred_at: at(-86_500) },
      status: 400,
      code: 'WEBHOOK_INVALID_FIELD',
      mentions: '24 h',
    },
  ];

  it.each(refusals)(
    'adapter - refuses $name with a JSON $status and publishes nothing',
    async (refusal) => {
      const before = await fixture.rawCount();

      const answer = await deliver(fixture.baseUrl, refusal.payload);

      expect(answer.status).toBe(refusal.status);
      expect(answer.body['code']).toBe(refusal.code);
      expect(answer.body['message']).toContain(refusal.mentions);
      expect(await fixture.rawCount()).toBe(before);
    },
  );

  it('adapter - accepts an occurred_at a little ahead or hours ago', async () => {
    for (const offsetS of [200, -3_600, -86_000]) {
      const answer = await deliver(fixture.baseUrl, { ...chat, occurred_at: at(offsetS) });
      expect(answer.status, String(offsetS)).toBe(202);
    }
  });

  it('adapter - answers 503 and publishes nothing when Session cannot be reached', async () => {
    const lonely = await startAdapterFixture();
    try {
      await lonely.sessions.stop();
      const before = await lonely.rawCount();

      const answer = await deliver(lonely.baseUrl, { ...chat, session_id: '123', room_id: '45' });

      expect(answer.status).toBe(503);
      expect(answer.body['code']).toBe('SESSION_CHECK_FAILED');
      expect(await lonely.rawCount()).toBe(before);
    } finally {
      await lonely.stop();
    }
  });
});

describe('adapter caches session lookups', () => {
  let cached: AdapterFixture;
  beforeAll(async () => {
    cached = await startAdapterFixture({ sessionCacheMs: 60_000 });
  });
  afterAll(() => cached?.stop());

  it('adapter - asks Session once for many deliveries of one session', async () => {
    const payload = { ...chat, session_id: '123', room_id: '45' };
    for (let i = 0; i < 5; i += 1) {
      expect((await deliver(cached.baseUrl, payload)).status).toBe(202);
    }
    expect(cached.sessions.calls).toBe(1);
  });
});

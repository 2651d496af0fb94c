import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEvent } from '@roomcast/kit';
import { EventType, StreamState, type Event } from '@roomcast/proto';
import { deliveryEventId } from '../src/delivery-event-id.js';
import { MAX_BODY_BYTES } from '../src/webhook-server.js';
import { deliver, startAdapterFixture, type AdapterFixture } from './adapter-fixture.js';

let fixture: AdapterFixture;
const received: Array<{ subject: string; event: Event }> = [];

beforeAll(async () => {
  fixture = await startAdapterFixture();
  fixture.client.subscribe('events.raw.>', {
    callback: (_error, message) => {
      received.push({ subject: message.subject, event: decodeEvent(message.data) });
    },
  });
  await fixture.client.flush();
});

afterAll(async () => {
  await fixture?.stop();
});

const chat = {
  type: 'chat.message',
  session_id: '123',
  room_id: '45',
  user_id: '7',
  text: 'hi 👋',
};

/** The event published for an event id, once it arrives. */
async function publishedAs(eventId: string) {
  await expect.poll(() => received.find((r) => r.event.eventId === eventId)).toBeDefined();
  return received.find((r) => r.event.eventId === eventId)!;
}

describe('adapter webhook intake', () => {
  it('adapter - publishes a signed chat message on events.raw.chat.message', async () => {
    // A minute ago, whole seconds: inside the accepted occurred_at window.
    const occurredAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
    const answer = await deliver(
      fixture.baseUrl,
      { ...chat, occurred_at: occurredAt },
      {
        platform: 'twitch',
        deliveryId: 'chat-1',
      },
    );

    expect(answer).toEqual({
      status: 202,
      body: { event_id: deliveryEventId('twitch', 'chat-1') },
    });
    const { subject, event } = await publishedAs(answer.body['event_id'] as string);
    expect(subject).toBe('events.raw.chat.message');
    expect(event).toMatchObject({
      sessionId: '123',
      roomId: '45',
      sequence: '0',
      type: EventType.EVENT_TYPE_CHAT_MESSAGE,
      source: 'adapter:twitch',
      chat: { userId: '7', text: 'hi 👋' },
      occurTime: new Date(occurredAt),
    });
  });

  it('adapter - maps stream online to LIVE, offline to PAUSED and viewer counts', async () => {
    const base = { session_id: '123', room_id: '45' };
    const online = await deliver(fixture.baseUrl, { ...base, type: 'stream.online' });
    const offline = await deliver(fixture.baseUrl, { ...base, type: 'stream.offline' });
    const viewers = await deliver(fixture.baseUrl, { ...base, type: 'viewer.count', count: 42 });
    expect([online.status, offline.status, viewers.status]).toEqual([202, 202, 202]);

    const live = await publishedAs(online.body['event_id'] as string);
    expect(live.subject).toBe('events.raw.stream.status');
    expect(live.event.streamStatus).toEqual({ state: StreamState.STREAM_STATE_LIVE });
    const paused = await publishedAs(offline.body['event_id'] as string);
    expect(paused.event.streamStatus).toEqual({ state: StreamState.STREAM_STATE_PAUSED });
    const count = await publishedAs(viewers.body['event_id'] as string);
    expect(count.subject).toBe('events.raw.viewer.count');
    expect(count.event.viewerCount).toEqual({ count: '42' });
  });

  it('adapter - publishes the same delivery once, even after Redis forgot it', async () => {
    const options = { platform: 'youtube', deliveryId: 'again-1' };
    const eventId = deliveryEventId('youtube', 'again-1');
    const sent = () => received.filter((r) => r.event.eventId === eventId).length;
    const before = await fixture.rawCount();

    const first = await deliver(fixture.baseUrl, chat, options);
    const second = await deliver(fixture.baseUrl, chat, options);
    expect(first).toEqual({ status: 202, body: { event_id: eventId } });
    expect(second).toEqual({ status: 200, body: { duplicate: true, event_id: eventId } });
    await fixture.client.flush();
    expect(sent()).toBe(1);
    expect(await fixture.redis.ttl('adapter:delivery:youtube:again-1')).toBeGreaterThan(3_000);

    // Past the replay window it is published again, and JetStream's msgID drops it.
    await fixture.redis.del('adapter:delivery:youtube:again-1');
    const third = await deliver(fixture.baseUrl, chat, options);
    expect(third).toEqual({ status: 200, body: { duplicate: true, event_id: eventId } });
    await expect.poll(sent).toBe(2);
    expect(await fixture.rawCount()).toBe(before + 1);
  });

  it('adapter - gives the same delivery id on two platforms two events', () => {
    expect(deliveryEventId('twitch', 'd-1')).not.toBe(deliveryEventId('youtube', 'd-1'));
    expect(deliveryEventId('twitch', 'd-1')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  const now = () => Math.floor(Date.now() / 1000);
  const refusals: Array<{
    name: string;
    payload: unknown;
    options?: Parameters<typeof deliver>[2];
    status: number;
    code: string;
    mentions: string;
  }> = [
    {
      name: 'a wrong secret',
      payload: chat,
      options: { secret: 'another-secret-0123456789' },
      status: 401,
      code: 'WEBHOOK_BAD_SIGNATURE',
      mentions: 'X-Roomcast-Signature',
    },
    {
      name: 'a malformed signature',
      payload: chat,
      options: { signature: 'md5=abc' },
      status: 401,
      code: 'WEBHOOK_SIGNATURE_MISSING',
      mentions: 'sha256=',
    },
    {
      name: 'a stale timestamp',
      payload: chat,
      options: { timestamp: now() - 301 },
      status: 400,
      code: 'WEBHOOK_STALE_TIMESTAMP',
      mentions: 'X-Roomcast-Timestamp',
    },
    {
      name: 'a timestamp from the future',
      payload: chat,
      options: { timestamp: now() + 400 },
      status: 400,
      code: 'WEBHOOK_STALE_TIMESTAMP',
      mentions: 'at most 300 s',
    },
    {
      name: 'malformed JSON',
      payload: '{"type": "chat.message",',
      status: 400,
      code: 'WEBHOOK_MALFORMED_JSON',
      mentions: 'not valid JSON',
    },
    {
      name: 'a JSON array',
      payload: '[1,2]',
      status: 400,
      code: 'WEBHOOK_MALFORMED_JSON',
      mentions: 'JSON object',
    },
    {
      name: 'an unknown type',
      payload: { ...chat, type: 'chat.deleted' },
      status: 400,
      code: 'WEBHOOK_UNKNOWN_TYPE',
      mentions: 'chat.deleted',
    },
    {
      name: 'a missing session_id',
      payload: { ...chat, session_id: undefined },
      status: 400,
      code: 'WEBHOOK_MISSING_FIELD',
      mentions: 'session_id',
    },
    {
      name: 'a chat without text',
      payload: { ...chat, text: '' },
      status: 400,
      code: 'WEBHOOK_MISSING_FIELD',
      mentions: 'text',
    },
    {
      name: 'a bad room_id',
      payload: { ...chat, room_id: 'abc' },
      status: 400,
      code: 'WEBHOOK_INVALID_FIELD',
      mentions: 'room_id',
    },
    {
      name: 'a negative count',
      payload: { type: 'viewer.count', session_id: '1', room_id: '2', count: -1 },
      status: 400,
      code: 'WEBHOOK_INVALID_FIELD',
      mentions: 'count',
    },
    {
      name: 'chat text that is only whitespace',
      payload: { ...chat, text: '  \n ' },
      status: 400,
      code: 'WEBHOOK_INVALID_FIELD',
      mentions: 'whitespace',
    },
    {
      name: 'chat text of only zero-width characters',
      payload: { ...chat, text: '\u200b\u2060\ufeff\u200d' },
      status: 400,
      code: 'WEBHOOK_INVALID_FIELD',
      mentions: 'invisible characters',
    },
    {
      name: 'chat text of only combining marks',
      payload: { ...chat, text: ' \u0301\u0303 ' },
      status: 400,
      code: 'WEBHOOK_INVALID_FIELD',
      mentions: 'invisible characters',
    },
    {
      name: 'chat text with a NUL character',
      payload: { ...chat, text: 'a\u0000b' },
      status: 400,
      code: 'WEBHOOK_INVALID_FIELD',
      mentions: 'NUL',
    },
    {
      name: 'chat text with a lone surrogate',
      payload: { ...chat, text: 'a\ud800b' },
      status: 400,
      code: 'WEBHOOK_INVALID_FIELD',
      mentions: 'surrogate',
    },
    {
      name: 'a bad occurred_at',
      payload: { ...chat, occurred_at: 'yesterday' },
      status: 400,
      code: 'WEBHOOK_INVALID_FIELD',
      mentions: 'occurred_at',
    },
    {
      name: 'a bad delivery id',
      payload: chat,
      options: { deliveryId: 'has spaces' },
      status: 400,
      code: 'WEBHOOK_INVALID_HEADER',
      mentions: 'X-Roomcast-Delivery',
    },
    {
      name: 'an oversize body',
      payload: { ...chat, text: 'x'.repeat(MAX_BODY_BYTES) },
      status: 413,
      code: 'WEBHOOK_TOO_LARGE',
      mentions: `${MAX_BODY_BYTES} bytes`,
    },
    {
      name: 'an unknown path',
      payload: chat,
      options: { platform: 'Not_A_Platform' },
      status: 404,
      code: 'NOT_FOUND',
      mentions: '/webhooks/Not_A_Platform',
    },
    {
      name: 'a GET',
      payload: chat,
      options: { method: 'GET' },
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
      mentions: 'POST',
    },
  ];

  it.each(refusals)(
    'adapter - refuses $name with a JSON $status and publishes nothing',
    async (refusal) => {
      const before = await fixture.rawCount();

      const answer = await deliver(fixture.baseUrl, refusal.payload, refusal.options);

      expect(answer.status).toBe(refusal.status);
      expect(answer.body['code']).toBe(refusal.code);
      expect(answer.body['message']).toContain(refusal.mentions);
      expect(await fixture.rawCount()).toBe(before);
    },
  );

  it('adapter - refuses a delivery without the timestamp header', async () => {
    const response = await fetch(`${fixture.baseUrl}/webhooks/twitch`, {
      method: 'POST',
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 'WEBHOOK_MISSING_HEADER',
      message: 'the X-Roomcast-Timestamp header is required',
    });
  });
});

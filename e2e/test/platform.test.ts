import { startStack, type Stack } from '@roomcast/cli';
import { signWebhook } from '@roomcast/adapter';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertContiguous,
  RestClient,
  ResumingSocket,
  SessionSocket,
  waitUntil,
  type StoredEvent,
} from '../src/index.js';

/**
 * The platform's main job end to end, through Envoy only: users, a room, a live session, two
 * WebSocket viewers, a few hundred chat messages, a resume, an Event restart mid-burst, the end
 * of the session, and analytics and history that match exactly what was sent.
 */

let stack: Stack;
let api: RestClient;
const sockets: SessionSocket[] = [];

interface Ids {
  sessionId: string;
  roomId: string;
  hostId: string;
  viewerIds: [string, string];
}
let ids: Ids;
const sent: string[] = [];

beforeAll(async () => {
  stack = await startStack({ logLevel: 'warn' });
  api = new RestClient(stack.restUrl);
}, 300_000);

afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await stack?.stop();
});

const chatsOf = (events: StoredEvent[]) => events.filter((event) => event.chat);

async function postChats(count: number, from: string, label: string): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    const text = `${label} ${index} — héllo 🎉`;
    await api.ok('POST', `/v1/sessions/${ids.sessionId}/messages`, { userId: from, text });
    sent.push(text);
  }
}

async function storedHistory(sessionId: string): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let pageToken = '';
  do {
    const query = `pageSize=1000${pageToken ? `&pageToken=${pageToken}` : ''}`;
    const page = await api.ok<{ events: StoredEvent[]; nextPageToken: string }>(
      'GET',
      `/v1/events/sessions/${sessionId}?${query}`,
    );
    events.push(...page.events);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return events;
}

describe('platform end to end, through Envoy', () => {
  it('e2e - creates users and a room and starts a session', async () => {
    const user = (handle: string) => api.ok<{ id: string }>('POST', '/v1/users', { handle });
    const host = await user('e2e_host');
    const viewers = [await user('e2e_viewer_a'), await user('e2e_viewer_b')] as const;
    const room = await api.ok<{ id: string }>('POST', '/v1/rooms', {
      slug: 'e2e-room',
      title: 'End to end',
      owner: 'e2e_host',
    });
    const session = await api.ok<{ id: string; state: string }>('POST', '/v1/sessions', {
      roomId: room.id,
      title: 'Live',
    });

    expect(session.state).toBe('STREAM_STATE_LIVE');
    ids = {
      sessionId: session.id,
      roomId: room.id,
      hostId: host.id,
      viewerIds: [viewers[0].id, viewers[1].id],
    };
  });

  it('e2e - two WebSocket viewers get every chat message in order, with their presence', async () => {
    for (const viewerId of ids.viewerIds) {
      const url = `${stack.sessionSocketUrl(ids.sessionId)}?after_sequence=0&user_id=${viewerId}`;
      sockets.push(await SessionSocket.open(url));
    }
    await postChats(300, ids.hostId, 'burst-one');

    for (const socket of sockets) {
      await socket.waitFor('300 chat messages', (events) => chatsOf(events).length >= 300);
      assertContiguous(socket.events, 1);
      expect(socket.chatTexts()).toEqual(sent);
      const joins = socket.events.filter(
        (event) => event.presence?.action === 'PRESENCE_ACTION_JOIN',
      );
      expect(joins.map((event) => event.presence?.userId)).toEqual(
        expect.arrayContaining(ids.viewerIds),
      );
    }
  });

  it('e2e - a dropped viewer resumes from the middle with no gap and no duplicate', async () => {
    const dropped = sockets.pop()!;
    const middle = Math.floor(dropped.lastSequence / 2);
    await dropped.close();
    await postChats(20, ids.hostId, 'while-away');

    const url = `${stack.sessionSocketUrl(ids.sessionId)}?after_sequence=${middle}&user_id=${ids.viewerIds[1]}`;
    const resumed = await SessionSocket.open(url);
    sockets.push(resumed);
    await resumed.waitFor('the messages sent while away', (events) =>
      events.some((event) => event.chat?.text === sent.at(-1)),
    );

    assertContiguous(resumed.events, middle + 1);
    const history = await storedHistory(ids.sessionId);
    const expected = history.filter((event) => Number(event.sequence) > middle);
    expect(resumed.events.slice(0, expected.length).map((event) => event.eventId)).toEqual(
      expected.map((event) => event.eventId),
    );
  });

  it('e2e - restarting the Event service mid-burst loses and doubles nothing', async () => {
    const burst = postChats(200, ids.viewerIds[0], 'burst-two');
    await waitUntil('the burst to be under way', async () =>
      sent.length > 360 ? true : undefined,
    );
    await stack.restartService('event');
    await burst;

    const socket = sockets[0]!;
    await socket.waitFor(
      'every message of both bursts',
      (events) => events.some((event) => event.chat?.text === sent.at(-1)),
      60_000,
    );
    assertContiguous(socket.events, 1);
    expect(socket.chatTexts()).toEqual(sent);

    const history = await storedHistory(ids.sessionId);
    assertContiguous(history, 1);
    expect(chatsOf(history).map((event) => event.chat?.text)).toEqual(sent);
    expect(new Set(history.map((event) => event.eventId)).size).toBe(history.length);
  });

  it('e2e - a Realtime restart sends viewers away with 1012 and they resume losing nothing', async () => {
    const viewer = new ResumingSocket(
      (after) =>
        `${stack.sessionSocketUrl(ids.sessionId)}?after_sequence=${after}&user_id=${ids.viewerIds[0]}`,
    );
    await viewer.open();
    const burst = postChats(60, ids.hostId, 'across-restart');
    await waitUntil('the burst to be under way', async () =>
      viewer.events.length > 0 ? true : undefined,
    );

    await stack.restartService('realtime');
    await burst;
    await waitUntil('every message to reach the resumed viewer', async () =>
      viewer.events.some((event) => event.chat?.text === sent.at(-1)) ? true : undefined,
    );
    viewer.close();

    expect(viewer.closeCodes).toContain(1012);
    assertContiguous(viewer.events, 1);
    expect(chatsOf(viewer.events).map((event) => event.chat?.text)).toEqual(sent);
    sockets.length = 0;
  });

  it('e2e - a signed webhook from an outside platform is stored once, even delivered twice', async () => {
    const secret = (await readFile(stack.webhookSecretPath, 'utf8')).trim();
    const text = 'from outside 📡';
    const body = JSON.stringify({
      type: 'chat.message',
      session_id: ids.sessionId,
      room_id: ids.roomId,
      user_id: ids.hostId,
      text,
    });
    const deliver = () => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      return fetch(`${stack.restUrl}/webhooks/e2e-platform`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-roomcast-timestamp': timestamp,
          'x-roomcast-delivery': 'e2e-delivery-1',
          'x-roomcast-signature': signWebhook({ secret, timestamp, body: Buffer.from(body) }),
        },
        body,
      });
    };

    expect((await deliver()).status).toBe(202);
    sent.push(text);
    const again = await deliver();
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });

    const stored = await waitUntil('the webhook event in the history', async () => {
      const history = await storedHistory(ids.sessionId);
      return history.some((event) => event.chat?.text === text) ? history : undefined;
    });
    const copies = stored.filter((event) => event.chat?.text === text);
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ source: 'adapter:e2e-platform' });
  });

  it('e2e - ending the session freezes analytics that match what was sent', async () => {
    await api.ok('POST', `/v1/sessions/${ids.sessionId}:end`, {});

    const aggregates = await waitUntil('final analytics', async () => {
      const response = await api.get<Record<string, unknown>>(
        `/v1/aggregation/sessions/${ids.sessionId}`,
      );
      return response.status === 200 && response.body.final === true ? response.body : undefined;
    });
    const chatters = new Set([ids.hostId, ids.viewerIds[0]]);
    expect(aggregates).toMatchObject({
      messageCount: String(sent.length),
      uniqueChatters: String(chatters.size),
      uniqueViewers: '2',
      peakConcurrentViewers: '2',
      final: true,
    });

    const session = await waitUntil('the session to carry the final analytics', async () => {
      const body = await api.ok<{ state: string; aggregates?: { final?: boolean } }>(
        'GET',
        `/v1/sessions/${ids.sessionId}`,
      );
      return body.aggregates?.final ? body : undefined;
    });
    expect(session.state).toBe('STREAM_STATE_ENDED');
    expect(session.aggregates).toMatchObject({ messageCount: String(sent.length) });

    const history = await storedHistory(ids.sessionId);
    expect(chatsOf(history).map((event) => event.chat?.text)).toEqual(sent);
    expect(history.some((event) => event.streamStatus?.state === 'STREAM_STATE_ENDED')).toBe(true);
  });
});

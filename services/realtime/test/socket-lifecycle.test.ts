import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PresenceAction } from '@roomcast/proto';
import { ANONYMOUS_USER_BASE } from '../src/session-gateway.js';
import { sequences } from './stored-feed.js';
import { startRealtimeFixture, type RealtimeFixture } from './realtime-fixture.js';
import { ViewerClient } from './viewer-client.js';

let fixture: RealtimeFixture;

beforeAll(async () => {
  fixture = await startRealtimeFixture();
});

afterAll(async () => {
  await fixture?.stop();
});

async function ready(viewer: ViewerClient) {
  await expect.poll(() => viewer.ready?.type, { timeout: 5_000 }).toBe('ready');
  return viewer.ready!;
}

function presenceOf(connectionId: string) {
  return fixture.sessions.presence
    .filter((signal) => signal.connectionId === connectionId)
    .map((signal) => signal.action);
}

describe('realtime socket lifecycle', () => {
  it('realtime - signals JOIN on open and LEAVE on close with the same connection id', async () => {
    const realtime = await fixture.start();
    const session = fixture.newSession();
    const viewer = new ViewerClient(realtime.wsUrl(session, { user_id: '7' }));
    const { connectionId, userId } = await ready(viewer);
    expect(userId).toBe('7');

    await expect
      .poll(() => presenceOf(connectionId))
      .toEqual([PresenceAction.PRESENCE_ACTION_JOIN]);
    expect(fixture.sessions.presence.at(-1)).toMatchObject({ sessionId: session, userId: '7' });

    viewer.close();
    await expect
      .poll(() => presenceOf(connectionId))
      .toEqual([PresenceAction.PRESENCE_ACTION_JOIN, PresenceAction.PRESENCE_ACTION_LEAVE]);
  });

  it('realtime - gives an anonymous viewer a generated id from the reserved range', async () => {
    const realtime = await fixture.start();
    const session = fixture.newSession();
    const first = await ready(new ViewerClient(realtime.wsUrl(session)));
    const second = await ready(new ViewerClient(realtime.wsUrl(session)));

    expect(BigInt(first.userId)).toBeGreaterThanOrEqual(ANONYMOUS_USER_BASE);
    expect(first.userId).not.toBe(second.userId);
    await expect.poll(() => presenceOf(first.connectionId)).toHaveLength(1);
    expect(
      fixture.sessions.presence.find((s) => s.connectionId === first.connectionId),
    ).toMatchObject({ userId: first.userId });
  });

  it('realtime - terminates a peer that misses two pongs and signals its LEAVE', async () => {
    const realtime = await fixture.start({ pingIntervalMs: 100 });
    const session = fixture.newSession();
    const silent = new ViewerClient(realtime.wsUrl(session), { autoPong: false });
    const answering = new ViewerClient(realtime.wsUrl(session));
    const { connectionId } = await ready(silent);
    const started = Date.now();

    const closed = await silent.closed;
    expect(closed.code).toBe(1006);
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect
      .poll(() => presenceOf(connectionId))
      .toEqual([PresenceAction.PRESENCE_ACTION_JOIN, PresenceAction.PRESENCE_ACTION_LEAVE]);

    // A peer that answers stays, well past three intervals.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(answering.socket.readyState).toBe(answering.socket.OPEN);
    answering.close();
  });

  it('realtime - closes a slow consumer with 4008, and it resumes from its last sequence', async () => {
    const realtime = await fixture.start({ maxBufferedBytes: 256 * 1024 });
    const session = fixture.newSession();
    const slow = new ViewerClient(realtime.wsUrl(session));
    await ready(slow);

    // Stop reading: the server's unsent frames pile up once the kernel buffers are full.
    const socket = (slow.socket as unknown as { _socket: Socket })._socket;
    socket.pause();
    fixture.feed.storeAndPublish(session, 600, { textBytes: 32 * 1024 });
    await fixture.feed.flush();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    socket.resume();

    const closed = await slow.closed;
    expect(closed).toEqual({
      code: 4008,
      reason: 'too slow: reconnect and resume with after_sequence',
    });
    const seen = slow.sequences;
    expect(seen).toEqual(sequences(1, seen.length));
    expect(seen.length).toBeLessThan(600);

    const resumed = new ViewerClient(
      realtime.wsUrl(session, { after_sequence: String(seen.length) }),
    );
    await expect.poll(() => resumed.sequences.length, { timeout: 15_000 }).toBe(600 - seen.length);
    expect(resumed.sequences).toEqual(sequences(seen.length + 1, 600));
    resumed.close();
  });

  it('realtime - drain closes sockets with 1012, signals LEAVE and refuses new sockets', async () => {
    const realtime = await fixture.start();
    const session = fixture.newSession();
    const viewers = [
      new ViewerClient(realtime.wsUrl(session, { user_id: '11' })),
      new ViewerClient(realtime.wsUrl(session, { user_id: '12' })),
    ];
    const ids = await Promise.all(
      viewers.map(async (viewer) => (await ready(viewer)).connectionId),
    );

    await realtime.service.drain();

    for (const viewer of viewers) {
      expect(await viewer.closed).toEqual({
        code: 1012,
        reason: 'service restart: reconnect and resume with after_sequence',
      });
    }
    for (const id of ids) {
      expect(presenceOf(id)).toEqual([
        PresenceAction.PRESENCE_ACTION_JOIN,
        PresenceAction.PRESENCE_ACTION_LEAVE,
      ]);
    }
    const late = new ViewerClient(realtime.wsUrl(session));
    expect(await late.refused).toBe(503);
  });
});

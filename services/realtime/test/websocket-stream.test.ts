import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequences } from './stored-feed.js';
import {
  startRealtimeFixture,
  type RealtimeFixture,
  type RealtimeInstance,
} from './realtime-fixture.js';
import { ViewerClient } from './viewer-client.js';

let fixture: RealtimeFixture;
let realtime: RealtimeInstance;

beforeAll(async () => {
  fixture = await startRealtimeFixture();
  realtime = await fixture.start();
});

afterAll(async () => {
  await fixture?.stop();
});

/** A viewer whose subscription is in place (its ready frame arrived). */
async function connect(sessionId: string, query: Record<string, string> = {}) {
  const viewer = new ViewerClient(realtime.wsUrl(sessionId, query));
  await expect.poll(() => viewer.ready?.type).toBe('ready');
  return viewer;
}

async function eventually(viewer: ViewerClient, expected: string[]) {
  await expect.poll(() => viewer.sequences.length, { timeout: 10_000 }).toBe(expected.length);
  expect(viewer.sequences).toEqual(expected);
}

describe('realtime websocket stream', () => {
  it('realtime - two clients receive every event of the session in order', async () => {
    const session = fixture.newSession();
    const alice = await connect(session);
    const bob = await connect(session);

    fixture.feed.storeAndPublish(session, 200);

    await eventually(alice, sequences(1, 200));
    await eventually(bob, sequences(1, 200));
    expect(alice.events[0]).toMatchObject({ sessionId: session, type: 'EVENT_TYPE_CHAT_MESSAGE' });
    expect(alice.events[0]!.chat).toEqual({ userId: '7', text: 'message 1 ' });
    alice.close();
    bob.close();
  });

  it('realtime - a new client first replays the stored history, then gets live events', async () => {
    const session = fixture.newSession();
    fixture.feed.store(session, 120);

    const late = await connect(session);
    await eventually(late, sequences(1, 120));
    fixture.feed.storeAndPublish(session, 5);

    await eventually(late, sequences(1, 125));
    late.close();
  });

  it('realtime - resumes from a sequence inside the recent window without asking history', async () => {
    const session = fixture.newSession();
    const watcher = await connect(session);
    fixture.feed.storeAndPublish(session, 40);
    await eventually(watcher, sequences(1, 40));

    const callsBefore = fixture.events.calls;
    const resumed = await connect(session, { after_sequence: '25' });
    await eventually(resumed, sequences(26, 40));
    fixture.feed.storeAndPublish(session, 20);

    await eventually(resumed, sequences(26, 60));
    expect(fixture.events.calls).toBe(callsBefore);
    watcher.close();
    resumed.close();
  });

  it('realtime - resumes from before the window through history, with events published during the backfill', async () => {
    const session = fixture.newSession();
    const watcher = await connect(session);
    fixture.feed.storeAndPublish(session, 300);
    await eventually(watcher, sequences(1, 300));

    // Small, slow pages keep the backfill running while the live feed moves on.
    fixture.events.maxPageSize = 100;
    fixture.events.delayMs = 80;
    try {
      const resumed = new ViewerClient(realtime.wsUrl(session, { after_sequence: '10' }));
      for (let burst = 0; burst < 10; burst += 1) {
        fixture.feed.storeAndPublish(session, 5);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }

      await eventually(resumed, sequences(11, 350));
      fixture.feed.storeAndPublish(session, 3);
      await eventually(resumed, sequences(11, 353));
      resumed.close();
    } finally {
      fixture.events.maxPageSize = 1000;
      fixture.events.delayMs = 0;
    }
    watcher.close();
  });

  it('realtime - fills a gap on the live path from history and drops a late duplicate', async () => {
    const session = fixture.newSession();
    const watcher = await connect(session);
    fixture.feed.storeAndPublish(session, 10);
    await eventually(watcher, sequences(1, 10));

    // 11 and 12 are stored but their NATS messages are lost; 13 arrives live.
    const [eleven, twelve, thirteen] = fixture.feed.store(session, 3);
    fixture.feed.publish([thirteen!]);
    await eventually(watcher, sequences(1, 13));

    fixture.feed.publish([twelve!, eleven!]);
    fixture.feed.storeAndPublish(session, 1);
    await eventually(watcher, sequences(1, 14));
    watcher.close();
  });

  it('realtime - closes with 4404 for an unknown session', async () => {
    const viewer = new ViewerClient(realtime.wsUrl('999999'));
    const closed = await viewer.closed;
    expect(closed).toEqual({ code: 4404, reason: 'session 999999 does not exist' });
  });

  it('realtime - closes with 4400 for a bad session id or query', async () => {
    const badId = await new ViewerClient(realtime.wsUrl('abc')).closed;
    expect(badId.code).toBe(4400);
    expect(badId.reason).toContain('session_id');

    const session = fixture.newSession();
    const badAfter = await new ViewerClient(realtime.wsUrl(session, { after_sequence: '-1' }))
      .closed;
    expect(badAfter.code).toBe(4400);
    expect(badAfter.reason).toContain('after_sequence');

    const badUser = await new ViewerClient(realtime.wsUrl(session, { user_id: 'bob' })).closed;
    expect(badUser.code).toBe(4400);
    expect(badUser.reason).toContain('user_id');
  });

  it('realtime - answers other paths with a JSON 404 and plain GETs with 426', async () => {
    const base = `http://127.0.0.1:${realtime.service.wsPort}`;
    const other = await fetch(`${base}/v1/nothing`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ code: 'NOT_FOUND' });

    const plain = await fetch(`${base}/ws/sessions/1`);
    expect(plain.status).toBe(426);
    expect(await plain.json()).toMatchObject({ code: 'UPGRADE_REQUIRED' });
  });
});

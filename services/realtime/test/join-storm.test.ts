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

async function eventually(viewer: ViewerClient, expected: string[]) {
  await expect.poll(() => viewer.sequences.length, { timeout: 20_000 }).toBe(expected.length);
  expect(viewer.sequences).toEqual(expected);
}

describe('realtime join storm', () => {
  it('realtime - 100 sockets resuming from 0 at once share one history read per page', async () => {
    const session = fixture.newSession();
    fixture.feed.store(session, 500);
    // Pages of 100 (the window holds 50) read slowly, so the sockets overlap in their backfill.
    fixture.events.maxPageSize = 100;
    fixture.events.delayMs = 40;
    const callsBefore = fixture.events.calls;
    try {
      const viewers = Array.from({ length: 100 }, () => new ViewerClient(realtime.wsUrl(session)));
      for (const viewer of viewers) await eventually(viewer, sequences(1, 500));

      // Five full pages and the empty one at the end: a few reads each (waves of late joiners
      // re-read the empty tail), never one per socket. Unshared, this was 600.
      const calls = fixture.events.calls - callsBefore;
      expect(calls).toBeGreaterThanOrEqual(6);
      expect(calls).toBeLessThanOrEqual(6 * 4);

      fixture.feed.storeAndPublish(session, 5);
      for (const viewer of viewers) await eventually(viewer, sequences(1, 505));
      for (const viewer of viewers) viewer.close();
    } finally {
      fixture.events.maxPageSize = 1000;
      fixture.events.delayMs = 0;
    }
  });

  it('realtime - a history read that fails once is retried and the socket stays open', async () => {
    const session = fixture.newSession();
    fixture.feed.store(session, 30);
    const callsBefore = fixture.events.calls;
    fixture.events.failNext = 1;

    const viewer = new ViewerClient(realtime.wsUrl(session));
    await eventually(viewer, sequences(1, 30));
    fixture.feed.storeAndPublish(session, 2);

    await eventually(viewer, sequences(1, 32));
    expect(fixture.events.failNext).toBe(0);
    expect(fixture.events.calls - callsBefore).toBeGreaterThanOrEqual(2);
    expect(viewer.socket.readyState).toBe(viewer.socket.OPEN);
    viewer.close();
  });
});

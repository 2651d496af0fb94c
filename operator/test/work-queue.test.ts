import { describe, expect, it } from 'vitest';

import { WorkQueue } from '../src/work-queue.js';
import { FakeClock, settle } from './support/fake-clock.js';

const noJitter = { baseMs: 100, maxMs: 1_000, jitter: 0 };
const generous = { ratePerSecond: 1_000, burst: 1_000 };

function queue(clock: FakeClock, rateLimit = generous) {
  return new WorkQueue({ clock, backoff: noJitter, rateLimit });
}

/** Takes every key that is ready right now. */
async function drain(q: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (q.length > 0) keys.push((await q.get())!);
  return keys;
}

describe('work queue', () => {
  it('work queue - hands out a key added many times only once', async () => {
    const q = queue(new FakeClock());
    q.add('rooms/a');
    q.add('rooms/b');
    q.add('rooms/a');

    expect(await drain(q)).toEqual(['rooms/a', 'rooms/b']);
  });

  it('work queue - never hands a key in process to a second worker; re-queues it when done', async () => {
    const q = queue(new FakeClock());
    q.add('rooms/a');
    const first = await q.get();

    q.add('rooms/a');
    expect(q.length).toBe(0);

    let second: string | undefined;
    void q.get().then((key) => (second = key));
    await settle();
    expect(second).toBeUndefined();

    q.done(first!);
    await settle();
    expect(second).toBe('rooms/a');
  });

  it('work queue - a key added while in process comes back once, however often it was added', async () => {
    const q = queue(new FakeClock());
    q.add('rooms/a');
    const key = (await q.get())!;
    q.add('rooms/a');
    q.add('rooms/a');
    q.done(key);

    expect(await drain(q)).toEqual(['rooms/a']);
  });

  it('work queue - retries a failing key after exponential delays, up to the cap', async () => {
    const clock = new FakeClock();
    const q = queue(clock);
    const delays: number[] = [];

    for (let attempt = 0; attempt < 6; attempt++) {
      delays.push(q.addRateLimited('rooms/a'));
      await clock.advance(delays.at(-1)! - 1);
      expect(q.length).toBe(0);
      await clock.advance(1);
      expect(await drain(q)).toEqual(['rooms/a']);
      q.done('rooms/a');
    }

    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(q.retries('rooms/a')).toBe(6);
  });

  it('work queue - forgetting a key after success restarts its backoff', async () => {
    const clock = new FakeClock();
    const q = queue(clock);
    q.addRateLimited('rooms/a');
    q.addRateLimited('rooms/a');

    q.forget('rooms/a');

    expect(q.retries('rooms/a')).toBe(0);
    expect(q.addRateLimited('rooms/a')).toBe(100);
  });

  it('work queue - an earlier delayed add wins over a later one for the same key', async () => {
    const clock = new FakeClock();
    const q = queue(clock);
    q.addAfter('rooms/a', 500);
    q.addAfter('rooms/a', 5_000);
    q.addAfter('rooms/a', 200);

    await clock.advance(200);
    expect(await drain(q)).toEqual(['rooms/a']);
    q.done('rooms/a');

    await clock.advance(10_000);
    expect(q.length).toBe(0);
  });

  it('work queue - the overall rate limit spaces out keys once the burst is spent', async () => {
    const clock = new FakeClock();
    const q = queue(clock, { ratePerSecond: 10, burst: 2 });
    for (const key of ['a', 'b', 'c', 'd']) q.add(key);

    const handedOut: Array<{ key: string; atMs: number }> = [];
    const start = clock.now();
    const worker = (async () => {
      for (let i = 0; i < 4; i++) {
        const key = (await q.get())!;
        handedOut.push({ key, atMs: clock.now() - start });
        q.done(key);
      }
    })();
    await clock.advance(1_000);
    await worker;

    expect(handedOut).toEqual([
      { key: 'a', atMs: 0 },
      { key: 'b', atMs: 0 },
      { key: 'c', atMs: 100 },
      { key: 'd', atMs: 200 },
    ]);
  });

  it('work queue - shutting down wakes waiting workers and drops delayed keys', async () => {
    const clock = new FakeClock();
    const q = queue(clock);
    q.addAfter('rooms/a', 1_000);
    const waiting = q.get();

    q.shutDown();

    expect(await waiting).toBeUndefined();
    expect(clock.pending).toBe(0);
    q.add('rooms/b');
    expect(await q.get()).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';

import { Backoff } from '../src/backoff.js';

describe('backoff', () => {
  it('backoff - doubles from the base delay without jitter', () => {
    const backoff = new Backoff({ baseMs: 100, factor: 2, maxMs: 10_000, jitter: 0 });

    expect([0, 1, 2, 3, 4].map((attempt) => backoff.delayMs(attempt))).toEqual([
      100, 200, 400, 800, 1600,
    ]);
  });

  it('backoff - never waits longer than the cap, even after very many attempts', () => {
    const backoff = new Backoff({ baseMs: 100, maxMs: 5_000, jitter: 0.5, random: () => 0.999 });

    expect(backoff.delayMs(10)).toBe(5_000);
    expect(backoff.delayMs(10_000)).toBe(5_000);
  });

  it('backoff - spreads each delay by at most the jitter fraction both ways', () => {
    const low = new Backoff({ baseMs: 1_000, maxMs: 60_000, jitter: 0.2, random: () => 0 });
    const high = new Backoff({ baseMs: 1_000, maxMs: 60_000, jitter: 0.2, random: () => 0.9999 });

    expect(low.delayMs(0)).toBe(800);
    expect(high.delayMs(0)).toBe(1_200);
    expect(low.delayMs(2)).toBe(3_200);
  });

  it('backoff - jittered delays of many retries differ, so failing keys do not retry in lockstep', () => {
    const backoff = new Backoff({ baseMs: 1_000, jitter: 0.2 });
    const delays = new Set(Array.from({ length: 20 }, () => backoff.delayMs(3)));

    expect(delays.size).toBeGreaterThan(1);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(6_400);
      expect(delay).toBeLessThanOrEqual(9_600);
    }
  });

  it('backoff - refuses settings that cannot back off', () => {
    expect(() => new Backoff({ baseMs: 0 })).toThrow(RangeError);
    expect(() => new Backoff({ baseMs: 100, maxMs: 50 })).toThrow(/maxMs >= baseMs/);
  });
});

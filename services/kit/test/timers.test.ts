import { describe, expect, it } from 'vitest';
import { abortableSleep } from '../src/timers.js';

describe('abortableSleep', () => {
  it('resolves once the time has passed', async () => {
    const started = Date.now();
    await abortableSleep(50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('resolves at once when the signal aborts during the wait', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);

    await abortableSleep(10_000, controller.signal);

    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('resolves at once when the signal has already aborted', async () => {
    const started = Date.now();
    await abortableSleep(10_000, AbortSignal.abort());
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

import type { Clock, TimerHandle } from '../../src/clock.js';

/** A clock that moves only when a test says so; timers fire in time order as it moves. */
export class FakeClock implements Clock {
  private nowMs: number;
  private timers: Array<{ atMs: number; seq: number; callback: () => void }> = [];
  private seq = 0;

  constructor(startMs = 1_000_000) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const timer = { atMs: this.nowMs + Math.max(0, delayMs), seq: this.seq++, callback };
    this.timers.push(timer);
    return { cancel: () => (this.timers = this.timers.filter((t) => t !== timer)) };
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order and letting promises settle. */
  async advance(ms: number): Promise<void> {
    const until = this.nowMs + ms;
    for (;;) {
      await settle();
      const next = this.timers
        .filter((t) => t.atMs <= until)
        .sort((a, b) => a.atMs - b.atMs || a.seq - b.seq)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.nowMs = next.atMs;
      next.callback();
    }
    this.nowMs = until;
    await settle();
  }
}

/** Lets queued promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

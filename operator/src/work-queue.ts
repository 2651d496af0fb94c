import { Backoff, type BackoffOptions } from './backoff.js';
import { sleep, systemClock, type Clock, type TimerHandle } from './clock.js';
import { TokenBucket, type TokenBucketOptions } from './token-bucket.js';

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Default: the system clock. */
  clock?: Clock;
  /** Per-key retry delays; default base 200 ms, factor 2, cap 60 s, jitter 0.2. */
  backoff?: BackoffOptions;
  /** The overall rate of reconcile starts; default 10 per second, burst 100. */
  rateLimit?: TokenBucketOptions;
}

/**
 * A queue of object keys (`namespace/name`) for reconcilers, with the guarantees a
 * level-triggered controller needs:
 *
 * - a key is queued at most once, however often it is added (deduplication);
 * - a key being processed is never handed to a second worker; adding it meanwhile marks it
 *   dirty and it is queued again when the first worker is done;
 * - failed keys come back after an exponential, jittered, capped backoff (addRateLimited);
 * - every key handed out takes a token from one bucket: an overall rate limit.
 */
export class WorkQueue {
  private readonly clock: Clock;
  private readonly backoff: Backoff;
  private readonly bucket: TokenBucket;
  private readonly ready: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly delayed = new Map<string, { atMs: number; timer: TimerHandle }>();
  private readonly failures = new Map<string, number>();
  private readonly waiting: Array<() => void> = [];
  private readonly stopped = new AbortController();

  constructor(options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.backoff = new Backoff(options.backoff);
    this.bucket = new TokenBucket(this.clock, options.rateLimit);
  }

  /** Keys waiting to be handed out now (not counting delayed or in-process keys). */
  get length(): number {
    return this.ready.length;
  }

  get isShutDown(): boolean {
    return this.stopped.signal.aborted;
  }

  /** Queues `key` unless it is already queued; a key in process is queued again after done(). */
  add(key: string): void {
    if (this.isShutDown) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;

    this.queued.add(key);
    this.ready.push(key);
    this.waiting.shift()?.();
  }

  /** Queues `key` after `delayMs`; an earlier pending time for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.isShutDown) return;
    if (delayMs <= 0) return this.add(key);

    const atMs = this.clock.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending && pending.atMs <= atMs) return;
    pending?.timer.cancel();

    const timer = this.clock.setTimer(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.delayed.set(key, { atMs, timer });
  }

  /** Queues `key` after its next backoff delay and counts the failure; returns the delay. */
  addRateLimited(key: string): number {
    const attempt = this.failures.get(key) ?? 0;
    this.failures.set(key, attempt + 1);
    const delayMs = this.backoff.delayMs(attempt);
    this.addAfter(key, delayMs);
    return delayMs;
  }

  /** Failures counted for `key` since it last succeeded. */
  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Clears the failure count of `key`, after it succeeded or was deleted. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /**
   * The next key to process, once the rate limit allows; undefined after shutDown(). The
   * caller must call done(key) when finished with it.
   */
  async get(): Promise<string | undefined> {
    while (this.ready.length === 0 || this.isShutDown) {
      if (this.isShutDown) return undefined;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }

    const key = this.ready.shift()!;
    this.queued.delete(key);
    this.processing.add(key);

    const waitMs = this.bucket.reserve();
    if (waitMs > 0) await sleep(this.clock, waitMs, this.stopped.signal);
    return key;
  }

  /** Marks `key` finished; if it was added while in process it is queued again now. */
  done(key: string): void {
    this.processing.delete(key);
    if (!this.dirty.delete(key)) return;
    this.add(key);
  }

  /** Stops handing out keys: pending get() calls resolve undefined, delayed keys are dropped. */
  shutDown(): void {
    if (this.isShutDown) return;
    this.stopped.abort();
    for (const { timer } of this.delayed.values()) timer.cancel();
    this.delayed.clear();
    for (const wake of this.waiting.splice(0)) wake();
  }
}

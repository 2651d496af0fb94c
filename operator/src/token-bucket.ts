import type { Clock } from './clock.js';

/** Options of {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added per second; default 10. */
  ratePerSecond?: number;
  /** Most tokens held at once, the burst allowed after a quiet time; default 100. */
  burst?: number;
}

/**
 * The overall rate limit of the work queue: each reconcile takes a token; when none is left the
 * caller learns how long to wait. Tokens are reserved, so callers that wait are served in order.
 */
export class TokenBucket {
  private readonly ratePerMs: number;
  private readonly burst: number;
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly clock: Clock,
    options: TokenBucketOptions = {},
  ) {
    const ratePerSecond = options.ratePerSecond ?? 10;
    this.burst = options.burst ?? 100;
    if (ratePerSecond <= 0 || this.burst < 1) {
      throw new RangeError(`token bucket needs a positive rate and burst >= 1`);
    }
    this.ratePerMs = ratePerSecond / 1000;
    this.tokens = this.burst;
    this.updatedAt = clock.now();
  }

  /** Takes one token and returns how long to wait before using it (0 when one was there). */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    return Math.ceil(-this.tokens / this.ratePerMs);
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.updatedAt) * this.ratePerMs);
    this.updatedAt = now;
  }
}

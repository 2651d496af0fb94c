/**
 * Exponential backoff with jitter and a cap: the delay before retry n (counting from 0) is
 * base * factor^n, capped at maxMs, then spread by ±jitter so that many failing keys do not
 * retry in lockstep.
 */

/** Options of {@link Backoff}. */
export interface BackoffOptions {
  /** Delay before the first retry; default 200 ms. */
  baseMs?: number;
  /** Growth per attempt; default 2. */
  factor?: number;
  /** Longest delay; default 60 000 ms. */
  maxMs?: number;
  /** Fraction of the delay spread at random both ways, 0 to 1; default 0.2. */
  jitter?: number;
  /** Source of randomness in [0, 1); injectable for tests. Default Math.random. */
  random?: () => number;
}

export class Backoff {
  readonly baseMs: number;
  readonly factor: number;
  readonly maxMs: number;
  readonly jitter: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? 200;
    this.factor = options.factor ?? 2;
    this.maxMs = options.maxMs ?? 60_000;
    this.jitter = Math.min(Math.max(options.jitter ?? 0.2, 0), 1);
    this.random = options.random ?? Math.random;
    if (this.baseMs <= 0 || this.factor < 1 || this.maxMs < this.baseMs) {
      throw new RangeError(
        `backoff needs baseMs > 0, factor >= 1 and maxMs >= baseMs, got ` +
          `${this.baseMs}, ${this.factor}, ${this.maxMs}`,
      );
    }
  }

  /** The delay before retry number `attempt` (0 for the first retry), in ms. */
  delayMs(attempt: number): number {
    const exponent = Math.max(0, attempt);
    // Past the cap the power only grows; stop computing it before it overflows to Infinity.
    const raw = exponent > 64 ? this.maxMs : this.baseMs * this.factor ** exponent;
    const capped = Math.min(raw, this.maxMs);
    const spread = capped * this.jitter * (this.random() * 2 - 1);
    return Math.round(Math.min(Math.max(capped + spread, 0), this.maxMs));
  }
}

import type { StoredEntry } from './stored-entry.js';

/** Bounds of one session's recent window. */
export interface WindowLimits {
  /** Most events kept. */
  maxEvents: number;
  /** Most bytes kept (StoredEntry.bytes summed); the newest event is always kept. */
  maxBytes: number;
}

/**
 * The last events of one session, contiguous by sequence. A subscriber resuming after sequence
 * N is served from here when the window still starts at or before N + 1; older resumes go to
 * the stored history.
 */
export class RecentWindow {
  private entries: StoredEntry[] = [];
  /** Index of the oldest kept entry; evicted ones before it are compacted away in batches. */
  private head = 0;
  private bytes = 0;

  constructor(private readonly limits: WindowLimits) {}

  get first(): bigint | undefined {
    return this.entries[this.head]?.sequence;
  }

  get last(): bigint | undefined {
    return this.entries.at(-1)?.sequence;
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  /** Adds the next event; the caller guarantees it follows the last one without a gap. */
  append(entry: StoredEntry): void {
    const last = this.last;
    if (last !== undefined && entry.sequence !== last + 1n) {
      throw new Error(`window append out of order: ${entry.sequence} after ${last}`);
    }

    this.entries.push(entry);
    this.bytes += entry.bytes;
    while (this.size > 1 && this.overLimits()) this.evictOldest();
  }

  /**
   * Every kept event after `after`, oldest first; undefined when the window does not reach back
   * to after + 1 (or is empty), so the caller must read the stored history instead.
   */
  after(after: bigint): StoredEntry[] | undefined {
    const first = this.first;
    const last = this.last;
    if (first === undefined || last === undefined || after + 1n < first) return undefined;
    if (after >= last) return [];

    // The offset is below maxEvents, so it fits a number safely.
    return this.entries.slice(this.head + Number(after + 1n - first));
  }

  /** Forgets everything, for when the live feed could not be kept contiguous. */
  clear(): void {
    this.entries = [];
    this.head = 0;
    this.bytes = 0;
  }

  private overLimits(): boolean {
    return this.size > this.limits.maxEvents || this.bytes > this.limits.maxBytes;
  }

  private evictOldest(): void {
    this.bytes -= this.entries[this.head]!.bytes;
    this.head += 1;
    // Compacting once half the array is evicted keeps appends amortised O(1).
    if (this.head * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}

import type { EventHistory } from './event-history.js';
import { toEntry, type StoredEntry } from './stored-entry.js';

/** How long a page that was read stays at hand for subscribers a little behind; default. */
export const PAGE_KEEP_MS = 2_000;
/** Most bytes (StoredEntry.bytes) of pages kept per session after their read; default. */
export const PAGES_KEPT_BYTES = 8 << 20;

export interface SharedPagesOptions {
  sessionId: string;
  history: EventHistory;
  /** How long a non-empty page is kept after its read; default PAGE_KEEP_MS. */
  keepMs?: number;
  /**
   * Most bytes of pages kept at once, the oldest page going first; default PAGES_KEPT_BYTES.
   * Late joiners of a storm follow the leaders through these instead of reading again.
   */
  maxKeptBytes?: number;
}

/**
 * One session's history reads, shared by its subscribers. Subscribers that ask for the page
 * after the same sequence while it is being read wait for that one read (single flight), and a
 * page just read serves for a moment anyone whose next sequence it holds. So when N sockets
 * resume from far back at once, the Event service sees about one read per page, not N, and each
 * event is encoded once. Empty pages are never kept: "nothing newer yet" goes stale at once.
 */
export class SharedPages {
  private readonly reading = new Map<bigint, Promise<StoredEntry[]>>();
  /** Pages read lately, oldest first; never empty ones. */
  private kept: StoredEntry[][] = [];
  private keptBytes = 0;

  constructor(private readonly options: SharedPagesOptions) {}

  /** The stored entries after `after`, ascending, at most one page; empty when none are. */
  read(after: bigint): Promise<StoredEntry[]> {
    const kept = this.keptAfter(after);
    if (kept) return Promise.resolve(kept);

    const inFlight = this.reading.get(after);
    if (inFlight) return inFlight;

    const { history, sessionId } = this.options;
    const read = history.page(sessionId, after).then((events) => events.map(toEntry));
    this.reading.set(after, read);
    void read.then(
      (entries) => this.settle(after, entries),
      () => this.reading.delete(after),
    );
    return read;
  }

  /** Drops every kept page (the hub is going away). */
  clear(): void {
    this.kept = [];
    this.keptBytes = 0;
  }

  /** The tail of a kept page that holds `after + 1`, if one does. */
  private keptAfter(after: bigint): StoredEntry[] | undefined {
    for (const page of this.kept) {
      const first = page[0]!.sequence;
      const last = page.at(-1)!.sequence;
      if (first <= after + 1n && after < last) {
        // The offset is below a page's length, so it fits a number safely.
        return page.slice(Number(after + 1n - first));
      }
    }
    return undefined;
  }

  private settle(after: bigint, entries: StoredEntry[]): void {
    this.reading.delete(after);
    if (entries.length === 0) return;

    this.kept.push(entries);
    this.keptBytes += bytesOf(entries);
    const maxBytes = this.options.maxKeptBytes ?? PAGES_KEPT_BYTES;
    while (this.keptBytes > maxBytes && this.kept.length > 0) this.forget(this.kept[0]!);

    const timer = setTimeout(() => this.forget(entries), this.options.keepMs ?? PAGE_KEEP_MS);
    timer.unref();
  }

  private forget(page: StoredEntry[]): void {
    const index = this.kept.indexOf(page);
    if (index < 0) return;
    this.kept.splice(index, 1);
    this.keptBytes -= bytesOf(page);
  }
}

function bytesOf(entries: StoredEntry[]): number {
  return entries.reduce((sum, entry) => sum + entry.bytes, 0);
}

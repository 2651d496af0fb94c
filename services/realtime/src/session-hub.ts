import { setTimeout as delay } from 'node:timers/promises';
import { asError, type Logger } from '@roomcast/kit';
import type { EventHistory } from './event-history.js';
import { RecentWindow, type WindowLimits } from './recent-window.js';
import { SharedPages } from './shared-pages.js';
import { bySequence, type StoredEntry } from './stored-entry.js';

/** Something fed by a hub: a subscription of one socket or stream. */
export interface HubListener {
  offer(entry: StoredEntry): void;
}

export interface SessionHubOptions {
  sessionId: string;
  history: EventHistory;
  log: Logger;
  window: WindowLimits;
  /** How long to wait for a late event to close a gap before asking the history; default 50. */
  gapGraceMs?: number;
}

/**
 * One watched session on this instance. It turns the live feed (which may lose, repeat or
 * reorder messages) into a contiguous run of sequences: duplicates are dropped, and a gap is
 * filled from the stored history before anything after it goes out. Everything it emits is
 * kept in the recent window and offered to every listener.
 */
export class SessionHub {
  readonly window: RecentWindow;
  /** History reads of this session, shared by the gap fill and every catching-up listener. */
  readonly pages: SharedPages;
  private readonly listeners = new Set<HubListener>();
  /** The last sequence emitted; undefined until the first live event arrives. */
  private last: bigint | undefined;
  /** Live events held while a gap is being filled, or that arrived ahead of a gap. */
  private held: StoredEntry[] = [];
  private filling = false;

  constructor(private readonly options: SessionHubOptions) {
    this.window = new RecentWindow(options.window);
    this.pages = new SharedPages({ sessionId: options.sessionId, history: options.history });
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  add(listener: HubListener): void {
    this.listeners.add(listener);
  }

  remove(listener: HubListener): void {
    this.listeners.delete(listener);
  }

  /** A stored event of this session off the live feed. */
  receive(entry: StoredEntry): void {
    if (this.filling) {
      this.hold(entry);
      return;
    }
    if (this.last === undefined || entry.sequence === this.last + 1n) {
      this.emit(entry);
      return;
    }
    if (entry.sequence <= this.last) return;

    this.hold(entry);
    void this.fillGap();
  }

  private emit(entry: StoredEntry): void {
    this.window.append(entry);
    this.last = entry.sequence;
    for (const listener of this.listeners) listener.offer(entry);
  }

  private hold(entry: StoredEntry): void {
    this.held.push(entry);
    // Dropping the oldest held event is safe: it is stored, so the fill reads it from history.
    if (this.held.length > this.options.window.maxEvents) this.held.shift();
  }

  /** Emits held events that now follow the last one; drops those already emitted. */
  private releaseHeld(): void {
    this.held.sort(bySequence);
    while (this.held.length > 0) {
      const next = this.held[0]!;
      const last = this.last;
      if (last !== undefined && next.sequence <= last) {
        this.held.shift();
        continue;
      }
      if (last !== undefined && next.sequence !== last + 1n) return;

      this.held.shift();
      this.emit(next);
    }
  }

  private async fillGap(): Promise<void> {
    const { sessionId, log } = this.options;
    this.filling = true;
    try {
      // Two Event instances may publish out of order; the missing event often arrives at once.
      await delay(this.options.gapGraceMs ?? 50);
      this.releaseHeld();

      while (this.held.length > 0 && this.last !== undefined) {
        const before = this.last;
        for (const entry of await this.pages.read(before)) {
          if (entry.sequence === this.last + 1n) this.emit(entry);
        }
        this.releaseHeld();
        if (this.last === before) break;
      }
    } catch (caught) {
      log.error({ err: asError(caught), sessionId }, 'filling a live gap from history failed');
    } finally {
      this.filling = false;
      this.restartIfStillGapped();
    }
  }

  /**
   * When the history could not close a gap, the window restarts at the held events. Listeners
   * see the jump in sequence and catch up on their own, so none of them skips an event.
   */
  private restartIfStillGapped(): void {
    this.releaseHeld();
    if (this.held.length === 0) return;

    this.options.log.warn(
      { sessionId: this.options.sessionId, after: String(this.last) },
      'live gap not filled; recent window restarts',
    );
    this.window.clear();
    this.last = undefined;
    this.releaseHeld();
  }
}

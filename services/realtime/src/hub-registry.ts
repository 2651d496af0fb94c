import type { Logger } from '@roomcast/kit';
import type { Event } from '@roomcast/proto';
import type { EventHistory } from './event-history.js';
import type { WindowLimits } from './recent-window.js';
import { SessionHub, type HubListener } from './session-hub.js';
import { toEntry } from './stored-entry.js';

export interface HubRegistryOptions {
  history: EventHistory;
  log: Logger;
  window: WindowLimits;
  /** How long a hub (and its window) outlives its last listener, for quick reconnects. */
  lingerMs: number;
  gapGraceMs: number;
}

/**
 * The hubs of the sessions watched on this instance. Hubs exist only while someone listens
 * (plus a short linger), so memory grows with watched sessions, not with all live sessions.
 */
export class HubRegistry {
  private readonly hubs = new Map<string, SessionHub>();
  private readonly lingering = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: HubRegistryOptions) {}

  /** Adds a listener to its session's hub, creating the hub on first use. */
  join(sessionId: string, listener: HubListener): SessionHub {
    clearTimeout(this.lingering.get(sessionId));
    this.lingering.delete(sessionId);

    let hub = this.hubs.get(sessionId);
    if (!hub) {
      hub = new SessionHub({
        sessionId,
        history: this.options.history,
        log: this.options.log,
        window: this.options.window,
        gapGraceMs: this.options.gapGraceMs,
      });
      this.hubs.set(sessionId, hub);
    }
    hub.add(listener);
    return hub;
  }

  /** Removes a listener; the hub is dropped after the linger if nobody else joins. */
  leave(sessionId: string, listener: HubListener): void {
    const hub = this.hubs.get(sessionId);
    if (!hub) return;

    hub.remove(listener);
    if (hub.listenerCount > 0 || this.lingering.has(sessionId)) return;
    const timer = setTimeout(() => {
      this.lingering.delete(sessionId);
      if (this.hubs.get(sessionId)?.listenerCount !== 0) return;
      this.hubs.get(sessionId)?.pages.clear();
      this.hubs.delete(sessionId);
    }, this.options.lingerMs);
    timer.unref();
    this.lingering.set(sessionId, timer);
  }

  /** Routes a stored event off the live feed; events of unwatched sessions are dropped. */
  receive(event: Event): void {
    this.hubs.get(event.sessionId)?.receive(toEntry(event));
  }

  /**
   * The last sequence this instance has seen live for the session, a lower bound of what is
   * stored; undefined when the session is not watched here (or its window is empty).
   */
  windowLast(sessionId: string): bigint | undefined {
    return this.hubs.get(sessionId)?.window.last;
  }

  /** True when some session is watched, so the feed must decode what it gets. */
  get watching(): boolean {
    return this.hubs.size > 0;
  }

  close(): void {
    for (const timer of this.lingering.values()) clearTimeout(timer);
    this.lingering.clear();
    this.hubs.clear();
  }
}

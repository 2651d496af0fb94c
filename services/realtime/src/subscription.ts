import { setTimeout as delay } from 'node:timers/promises';
import { asError } from '@roomcast/kit';
import type { HubRegistry } from './hub-registry.js';
import type { HubListener, SessionHub } from './session-hub.js';
import { bySequence, type StoredEntry } from './stored-entry.js';

/** Where a subscription's events go: a WebSocket or a gRPC stream. */
export interface EventSink {
  /** Sends one event; false when the peer fell too far behind and must be let go. */
  send(entry: StoredEntry): boolean;
}

/** Why a subscription ended on its own. */
export type SubscriptionEnd =
  { reason: 'slow-consumer' } | { reason: 'history-unavailable'; error: Error };

export interface SubscriptionOptions {
  sessionId: string;
  /** The last sequence the client saw; it receives every later one. */
  afterSequence: bigint;
  hubs: HubRegistry;
  sink: EventSink;
  /** Called once when the subscription ends on its own; never after stop(). */
  onEnd: (end: SubscriptionEnd) => void;
  /** Live events held while catching up; past it the oldest are dropped (history has them). */
  maxHeld: number;
  /** Pause before asking history again when it lags the live feed; default 100. */
  retryDelayMs?: number;
  /** Times history may lag the live feed in a row before giving up; default 20. */
  maxLaggingRounds?: number;
}

/**
 * One client's view of a session: every event after its starting sequence exactly once, in
 * order, then live ones. It catches up from the hub's recent window when that reaches back far
 * enough, otherwise from stored history page by page (read through the hub, so subscribers
 * behind the window together share each read) until it reaches the window or the end.
 * Live events arriving meanwhile are held and released once the catch-up meets them, deduped by
 * sequence. A jump in the live sequence sends it back to catching up.
 */
export class Subscription implements HubListener {
  private delivered: bigint;
  private catchingUp = true;
  private held: StoredEntry[] = [];
  private stopped = false;
  private hub: SessionHub | undefined;

  constructor(private readonly options: SubscriptionOptions) {
    this.delivered = options.afterSequence;
  }

  /** The last sequence sent to the client. */
  get lastSequence(): bigint {
    return this.delivered;
  }

  start(): void {
    this.hub = this.options.hubs.join(this.options.sessionId, this);
    void this.catchUp();
  }

  /** Ends the subscription for good; nothing is sent after it. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.held = [];
    this.options.hubs.leave(this.options.sessionId, this);
  }

  offer(entry: StoredEntry): void {
    if (this.stopped) return;
    if (this.catchingUp) {
      this.hold(entry);
      return;
    }
    if (entry.sequence <= this.delivered) return;
    if (entry.sequence === this.delivered + 1n) {
      this.deliver(entry);
      return;
    }

    this.catchingUp = true;
    this.hold(entry);
    void this.catchUp();
  }

  private async catchUp(): Promise<void> {
    let laggingRounds = 0;
    try {
      while (!this.stopped) {
        const recent = this.hub!.window.after(this.delivered);
        if (recent && (!this.deliverRun(recent) || this.goLive())) return;

        const before = this.delivered;
        // Shared with the session's other subscribers reading the same page at about this time.
        const stored = await this.hub!.pages.read(before);
        if (this.stopped || !this.deliverRun(stored)) return;
        if (this.delivered !== before) {
          laggingRounds = 0;
          continue;
        }

        const next = this.afterEmptyPage();
        if (next === 'done') return;
        if (next === 'again') continue;
        laggingRounds += 1;
        if (laggingRounds > (this.options.maxLaggingRounds ?? 20)) {
          throw new Error(`stored history stays behind sequence ${this.held[0]?.sequence}`);
        }
        await delay(this.options.retryDelayMs ?? 100);
      }
    } catch (caught) {
      this.end({ reason: 'history-unavailable', error: asError(caught) });
    }
  }

  /**
   * What follows a history page with nothing newer: 'again' when the window now has the next
   * events, 'done' when the held events continued the run, 'lagging' when history is behind.
   */
  private afterEmptyPage(): 'done' | 'again' | 'lagging' {
    // A shared read may have begun before this subscriber joined the hub, so what the hub
    // emitted in between is neither in it nor held: take it from the window, or read again.
    const window = this.hub!.window;
    if ((window.last ?? 0n) > this.delivered) {
      return window.after(this.delivered) ? 'again' : 'lagging';
    }
    // Otherwise what was held goes out, unless it leaves a gap (the live feed is ahead).
    return this.goLive() ? 'done' : 'lagging';
  }

  /** Sends a run of entries from `delivered + 1` on; false once the subscription ended. */
  private deliverRun(entries: StoredEntry[]): boolean {
    for (const entry of entries) {
      if (entry.sequence <= this.delivered) continue;
      if (entry.sequence !== this.delivered + 1n) {
        throw new Error(`stored history jumps from ${this.delivered} to ${entry.sequence}`);
      }
      if (!this.deliver(entry)) return false;
    }
    return true;
  }

  /** Releases held events if they continue the delivered run; true when the catch-up is over. */
  private goLive(): boolean {
    this.held.sort(bySequence);
    while (this.held.length > 0) {
      const next = this.held[0]!;
      if (next.sequence > this.delivered + 1n) return false;

      this.held.shift();
      if (next.sequence === this.delivered + 1n && !this.deliver(next)) return true;
    }
    this.catchingUp = false;
    return true;
  }

  private hold(entry: StoredEntry): void {
    this.held.push(entry);
    if (this.held.length > this.options.maxHeld) this.held.shift();
  }

  private deliver(entry: StoredEntry): boolean {
    if (this.stopped) return false;
    this.delivered = entry.sequence;
    if (this.options.sink.send(entry)) return true;

    this.end({ reason: 'slow-consumer' });
    return false;
  }

  private end(end: SubscriptionEnd): void {
    if (this.stopped) return;
    this.stop();
    this.options.onEnd(end);
  }
}

import { status } from '@grpc/grpc-js';
import {
  abortableSleep,
  asError,
  callUnary,
  decodeEvent,
  isServiceError,
  notFound,
  type Logger,
  type NatsConnection,
  type ServiceMetrics,
} from '@roomcast/kit';
import type { SessionAggregates, SessionServiceClient } from '@roomcast/proto';
import type { Counter } from 'prom-client';
import type { AggregateStore } from './aggregate-store.js';
import type { EventFeed } from './event-feed.js';
import {
  emptyState,
  foldEvents,
  summarize,
  toAggregates,
  type AggregateSummary,
} from './fold-events.js';
import { StoredTriggers } from './stored-triggers.js';
import { forEachLimited } from './timing.js';

/**
 * Raw status changes also mark a session dirty, over core NATS: a hint that lets ENDED be folded
 * a tick sooner. Stored events come through StoredTriggers, which nothing is lost from.
 */
const RAW_STATUS_SUBJECT = 'events.raw.stream.status';
/** A fold stops after this many events and continues at the next tick, to bound memory. */
const MAX_EVENTS_PER_FOLD = 10_000;
const FOLD_CONCURRENCY = 8;
const SWEEP_BATCH = 500;

export interface SessionAggregatorOptions {
  store: AggregateStore;
  feed: EventFeed;
  session: SessionServiceClient;
  nc: NatsConnection;
  log: Logger;
  metrics: ServiceMetrics;
  foldIntervalMs: number;
  pushIntervalMs: number;
  sweepIntervalMs: number;
  staleAfterMs: number;
}

/**
 * Keeps every session's analytics current. Stored events, taken from a durable JetStream
 * consumer, mark sessions dirty; a loop folds each dirty session's new stored events into its
 * state, acks the triggers the saved state has passed, and pushes the numbers to Session, at
 * most once per pushIntervalMs while live and always once when final. A sweep re-folds known
 * sessions that are quiet or whose push failed.
 */
export class SessionAggregator {
  private readonly dirty = new Set<string>();
  private readonly lastPushMs = new Map<string, number>();
  private readonly stopping = new AbortController();
  private readonly folds: Counter;
  private readonly pushes: Counter;
  private readonly triggers: StoredTriggers;
  private pushFailing = false;
  private loops: Promise<unknown> | undefined;

  constructor(private readonly options: SessionAggregatorOptions) {
    this.folds = options.metrics.counter(
      'roomcast_aggregation_folded_events_total',
      'Stored events folded into session analytics.',
    );
    this.pushes = options.metrics.counter(
      'roomcast_aggregation_pushes_total',
      'UpdateSessionAggregates calls, by outcome.',
      ['outcome'],
    );
    this.triggers = new StoredTriggers({
      nc: options.nc,
      log: options.log,
      onTrigger: (sessionId) => this.dirty.add(sessionId),
    });
  }

  /** Takes triggers, sweeps every open session once, and starts the loops. */
  async start(): Promise<void> {
    this.options.nc.subscribe(RAW_STATUS_SUBJECT, {
      callback: (_error, message) => this.markDirty(message.data),
    });
    await this.triggers.start();
    await this.sweep(new Date());
    this.loops = Promise.all([this.foldLoop(), this.sweepLoop()]);
  }

  /** Stops the loops, then hands unsettled triggers back so another instance folds them. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loops;
    await this.triggers.stop();
  }

  /**
   * Folds what Event stored of a session that has not been folded yet, at once rather than at
   * the next trigger, so a read right after a session's first events finds them counted.
   */
  async foldNow(sessionId: string): Promise<void> {
    await this.refresh(sessionId);
  }

  /** Folds a session's history again from sequence 0 and replaces its state. */
  async recompute(sessionId: string): Promise<SessionAggregates> {
    let state = emptyState(sessionId);
    for await (const page of this.options.feed.after(sessionId, 0n)) {
      state = foldEvents(state, page);
    }
    if (state.lastSequence === 0n) throw noAggregates(sessionId);

    await this.options.store.replace(state);
    this.dirty.add(sessionId);
    const stored = await this.options.store.get(sessionId);
    return toAggregates(stored!.summary, stored!.updateTime);
  }

  private markDirty(data: Uint8Array): void {
    try {
      this.dirty.add(decodeEvent(data).sessionId);
    } catch {
      // Not an event: Event skips it too, so there is nothing to fold.
    }
  }

  private async foldLoop(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      await abortableSleep(this.options.foldIntervalMs, this.stopping.signal);
      const sessions = [...this.dirty];
      this.dirty.clear();
      await forEachLimited(sessions, FOLD_CONCURRENCY, (sessionId) =>
        this.refresh(sessionId).catch((caught: unknown) => {
          this.dirty.add(sessionId);
          this.options.log.warn({ err: asError(caught), sessionId }, 'folding a session failed');
        }),
      );
    }
  }

  private async sweepLoop(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      await abortableSleep(this.options.sweepIntervalMs, this.stopping.signal);
      if (this.stopping.signal.aborted) return;
      const quietSince = new Date(Date.now() - this.options.staleAfterMs);
      await this.sweep(quietSince).catch((caught: unknown) => {
        this.options.log.error({ err: asError(caught) }, 'sweeping sessions failed');
      });
    }
  }

  private async sweep(quietSince: Date): Promise<void> {
    const sessions = await this.options.store.sessionsToSweep(quietSince, SWEEP_BATCH);
    for (const sessionId of sessions) this.dirty.add(sessionId);
  }

  /** Folds what Event stored after the session's last folded sequence, then maybe pushes. */
  private async refresh(sessionId: string): Promise<void> {
    const loaded = await this.options.store.load(sessionId);
    let state = loaded?.state ?? emptyState(sessionId);
    let folded = 0;
    for await (const page of this.options.feed.after(sessionId, state.lastSequence)) {
      state = foldEvents(state, page);
      folded += page.length;
      if (folded >= MAX_EVENTS_PER_FOLD) {
        this.dirty.add(sessionId);
        break;
      }
    }

    if (folded > 0) {
      if (!(await this.options.store.saveFold(loaded?.state, state))) {
        this.dirty.add(sessionId);
        return;
      }
      this.folds.inc(folded);
    }
    // Saved (or nothing new): the triggers this state covers need no other fold.
    this.triggers.settle(sessionId, state.lastSequence);
    if (state.lastSequence > (loaded?.pushedSequence ?? 0n)) await this.push(summarize(state));
  }

  /** Pushes to Session unless a live session was pushed less than pushIntervalMs ago. */
  private async push(summary: AggregateSummary): Promise<void> {
    const { sessionId } = summary;
    const sinceLast = Date.now() - (this.lastPushMs.get(sessionId) ?? 0);
    if (!summary.final && sinceLast < this.options.pushIntervalMs) {
      this.dirty.add(sessionId);
      return;
    }

    try {
      const aggregates = toAggregates(summary, new Date());
      await callUnary(this.options.session, this.options.session.updateSessionAggregates, {
        sessionId,
        aggregates,
      });
      this.pushes.inc({ outcome: 'ok' });
      this.pushFailing = false;
    } catch (caught) {
      if (!isServiceError(caught) || caught.code !== status.NOT_FOUND) {
        this.pushes.inc({ outcome: 'failed' });
        this.dirty.add(sessionId);
        if (!this.pushFailing) this.options.log.warn({ err: asError(caught) }, 'push failed');
        this.pushFailing = true;
        return;
      }
      // Session does not know it (an adapter's session, say): nothing to retry.
      this.pushes.inc({ outcome: 'unknown_session' });
      this.options.log.info({ sessionId }, 'session unknown to Session; analytics kept here');
    }

    this.lastPushMs.set(sessionId, Date.now());
    if (summary.final) this.lastPushMs.delete(sessionId);
    await this.options.store.markPushed(sessionId, summary.lastSequence);
  }
}

export function noAggregates(sessionId: string) {
  return notFound(
    'SESSION_AGGREGATES_NOT_FOUND',
    `session ${sessionId} has no analytics: Event has stored no event of it`,
  );
}

import type { Logger } from '@roomcast/kit';

import { Backoff } from './backoff.js';
import { sleep, systemClock, type Clock, type TimerHandle } from './clock.js';
import type { OperatorEvents } from './operator-events.js';
import { keyOf } from './room-resource.js';

/** An object as far as the list-watch cares: a namespaced name and a resource version. */
export interface WatchedObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

/** One open watch request; abort() ends it without calling onDone. */
export interface OpenWatch {
  abort(): void;
}

/** The two calls a list-watch makes; kube-watch-source.ts has the real ones. */
export interface WatchSource<T extends WatchedObject> {
  /** Names the resource in events and logs, e.g. `rooms.roomcast.dev`. */
  readonly resource: string;
  list(): Promise<{ items: T[]; resourceVersion: string }>;
  watch(options: {
    resourceVersion: string;
    timeoutSeconds: number;
    onEvent: (type: string, object: unknown) => void;
    onDone: (error: unknown) => void;
  }): Promise<OpenWatch>;
}

/** Options of {@link ListWatch}. */
export interface ListWatchOptions<T extends WatchedObject> {
  source: WatchSource<T>;
  events: OperatorEvents;
  log: Logger;
  /** Called for every object added, changed, relisted or resynced. */
  onUpsert: (object: T) => void;
  /** Called for every object deleted, seen in a watch or missing from a relist. */
  onDelete: (object: T) => void;
  /** Every cached object is handed to onUpsert this often; default 300000 ms. */
  resyncMs?: number;
  /** The server ends each watch after this; default 240 s. */
  timeoutSeconds?: number;
  /** A watch that delivers nothing, not even a bookmark, for this long is restarted. */
  stallMs?: number;
  /** Default: the system clock. */
  clock?: Clock;
  /** Delays between failed attempts; default 500 ms doubling to 30 s. */
  backoff?: Backoff;
}

const MIN_HEALTHY_WATCH_MS = 1_000;

type WatchOutcome = { reason: 'closed' | 'stalled' | 'gone' } | { reason: 'error'; error: string };

/**
 * Keeps a local copy of one resource up to date: list, then watch from the list's resource
 * version, and on to the next watch when one ends. It survives the three ways a watch dies:
 *
 * - dropped connection or server error: watch again from the last resource version seen,
 *   after a backoff;
 * - silent stall (a half-open connection delivers nothing, not even the bookmarks the watch
 *   asks for): after stallMs the request is aborted and a new watch opened;
 * - 410 Gone (the resource version is older than the server keeps): list again, reporting
 *   objects that vanished meanwhile as deleted.
 *
 * A periodic resync hands every cached object to onUpsert, so level-triggered reconcilers
 * correct drift that produced no Kubernetes event (the Room service or JetStream changed).
 */
export class ListWatch<T extends WatchedObject> {
  private readonly cache = new Map<string, T>();
  private readonly clock: Clock;
  private readonly backoff: Backoff;
  private readonly stopped = new AbortController();
  private resourceVersion = '';
  private synced = false;
  private running: Promise<void> | undefined;
  private resyncTimer: TimerHandle | undefined;
  private abortCurrent: (() => void) | undefined;

  constructor(private readonly options: ListWatchOptions<T>) {
    this.clock = options.clock ?? systemClock;
    this.backoff = options.backoff ?? new Backoff({ baseMs: 500, maxMs: 30_000 });
  }

  /** True once the first list has been delivered. */
  get hasSynced(): boolean {
    return this.synced;
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  start(): void {
    this.running ??= this.run();
    this.scheduleResync();
  }

  /** Ends the current watch and the loop; resolves when it has stopped. */
  async stop(): Promise<void> {
    this.stopped.abort();
    this.resyncTimer?.cancel();
    this.abortCurrent?.();
    await this.running;
  }

  private async run(): Promise<void> {
    let needList = true;
    let failures = 0;

    while (!this.stopped.signal.aborted) {
      try {
        if (needList) {
          await this.relist();
          needList = false;
        }
        const startedAt = this.clock.now();
        const outcome = await this.watchOnce();
        if (this.stopped.signal.aborted) return;

        this.emitEnded(outcome);
        if (outcome.reason === 'gone') needList = true;
        // A watch the server closes at once is a fault in disguise; don't spin on it.
        const healthy = this.clock.now() - startedAt >= MIN_HEALTHY_WATCH_MS;
        if (outcome.reason !== 'error' && (healthy || outcome.reason === 'gone')) {
          failures = 0;
          continue;
        }
      } catch (caught) {
        if (this.stopped.signal.aborted) return;
        const error = caught instanceof Error ? caught.message : String(caught);
        this.options.log.warn(
          { resource: this.options.source.resource, err: error },
          'list failed',
        );
        this.emitEnded({ reason: 'error', error });
      }

      await sleep(this.clock, this.backoff.delayMs(failures++), this.stopped.signal);
    }
  }

  private async relist(): Promise<void> {
    const { items, resourceVersion } = await this.options.source.list();
    if (this.stopped.signal.aborted) return;

    const seen = new Set<string>();
    for (const item of items) {
      const key = keyOf(item);
      seen.add(key);
      this.cache.set(key, item);
    }
    for (const [key, object] of this.cache) {
      if (seen.has(key)) continue;
      this.cache.delete(key);
      this.options.onDelete(object);
    }

    this.resourceVersion = resourceVersion;
    this.synced = true;
    this.options.events.emit({
      type: 'watch-listed',
      resource: this.options.source.resource,
      count: items.length,
      resourceVersion,
    });
    for (const item of items) this.options.onUpsert(item);
  }

  /** Opens one watch and resolves with how it ended. */
  private watchOnce(): Promise<WatchOutcome> {
    const { source, stallMs = 300_000, timeoutSeconds = 240 } = this.options;

    return new Promise<WatchOutcome>((resolve) => {
      let open: OpenWatch | undefined;
      let finished = false;
      let stallTimer: TimerHandle | undefined;
      const finish = (outcome: WatchOutcome) => {
        if (finished) return;
        finished = true;
        stallTimer?.cancel();
        this.abortCurrent = undefined;
        open?.abort();
        resolve(outcome);
      };
      const armStallTimer = () => {
        stallTimer?.cancel();
        stallTimer = this.clock.setTimer(() => finish({ reason: 'stalled' }), stallMs);
      };

      this.abortCurrent = () => finish({ reason: 'closed' });
      armStallTimer();
      source
        .watch({
          resourceVersion: this.resourceVersion,
          timeoutSeconds,
          onEvent: (type, object) => {
            if (finished) return;
            armStallTimer();
            const outcome = this.apply(type, object);
            if (outcome) finish(outcome);
          },
          onDone: (error) => finish(doneOutcome(error)),
        })
        .then(
          (handle) => {
            open = handle;
            if (finished) handle.abort();
            else this.emitStarted();
          },
          (caught: unknown) => finish(doneOutcome(caught ?? new Error('watch failed'))),
        );
    });
  }

  /** Applies one watch event to the cache; returns an outcome when the event ends the watch. */
  private apply(type: string, object: unknown): WatchOutcome | undefined {
    if (type === 'ERROR') {
      const status = object as { code?: number; message?: string } | undefined;
      if (status?.code === 410) return { reason: 'gone' };
      return { reason: 'error', error: status?.message ?? 'watch error event' };
    }

    const item = object as T;
    const version = item?.metadata?.resourceVersion;
    if (version) this.resourceVersion = version;
    if (type === 'BOOKMARK') return undefined;

    const key = keyOf(item);
    if (type === 'DELETED') {
      this.cache.delete(key);
      this.options.onDelete(item);
    } else if (type === 'ADDED' || type === 'MODIFIED') {
      this.cache.set(key, item);
      this.options.onUpsert(item);
    }
    return undefined;
  }

  private scheduleResync(): void {
    const { resyncMs = 300_000 } = this.options;
    this.resyncTimer?.cancel();
    this.resyncTimer = this.clock.setTimer(() => {
      if (this.stopped.signal.aborted) return;
      if (this.synced) {
        const objects = this.list();
        this.options.events.emit({
          type: 'watch-resync',
          resource: this.options.source.resource,
          count: objects.length,
        });
        for (const object of objects) this.options.onUpsert(object);
      }
      this.scheduleResync();
    }, resyncMs);
  }

  private emitStarted(): void {
    this.options.events.emit({
      type: 'watch-started',
      resource: this.options.source.resource,
      resourceVersion: this.resourceVersion,
    });
  }

  private emitEnded(outcome: WatchOutcome): void {
    this.options.events.emit({
      type: 'watch-ended',
      resource: this.options.source.resource,
      ...outcome,
    });
  }
}

/** How a watch ended, from the error its request finished with (null: the server closed it). */
function doneOutcome(error: unknown): WatchOutcome {
  if (!error) return { reason: 'closed' };
  const status = (error as { statusCode?: unknown; code?: unknown }) ?? {};
  if (status.statusCode === 410 || status.code === 410) return { reason: 'gone' };
  return { reason: 'error', error: error instanceof Error ? error.message : String(error) };
}

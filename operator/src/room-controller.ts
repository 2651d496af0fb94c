/**
 * The Room controller: a list-watch feeds object keys into the work queue, workers take keys
 * off it and run one reconcile (or cleanup) per key at a time, and failures come back after a
 * backoff. Only the leader runs one; stop() ends it without waiting for a slow reconcile to
 * time out twice.
 */
import type { Logger } from '@roomcast/kit';

import type { RoomCleanup } from './cleanup-room.js';
import type { Clock } from './clock.js';
import { isConflict, type KubeClients } from './kube-client.js';
import { customResourceSource } from './kube-watch-source.js';
import { ListWatch } from './list-watch.js';
import type { OperatorEvents } from './operator-events.js';
import type { RoomReconciler } from './reconcile-room.js';
import { RoomApiError } from './room-api.js';
import { keyOf, ROOM_GROUP, ROOM_PLURAL, ROOM_VERSION, type RoomObject } from './room-resource.js';
import { WorkQueue } from './work-queue.js';

/** Options of {@link RoomController}. */
export interface RoomControllerOptions {
  clients: KubeClients;
  reconciler: RoomReconciler;
  cleanup: RoomCleanup;
  events: OperatorEvents;
  log: Logger;
  clock: Clock;
  /** Empty: all namespaces. */
  namespace: string;
  concurrency: number;
  resyncMs: number;
  watchTimeoutSeconds: number;
  watchStallMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  ratePerSecond: number;
  burst: number;
}

export class RoomController {
  readonly queue: WorkQueue;
  private readonly watch: ListWatch<RoomObject>;
  private workers: Promise<void>[] = [];

  constructor(private readonly options: RoomControllerOptions) {
    const { clock, events, log } = options;
    this.queue = new WorkQueue({
      clock,
      backoff: { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs },
      rateLimit: { ratePerSecond: options.ratePerSecond, burst: options.burst },
    });
    this.watch = new ListWatch<RoomObject>({
      source: customResourceSource(options.clients, {
        group: ROOM_GROUP,
        version: ROOM_VERSION,
        plural: ROOM_PLURAL,
        namespace: options.namespace,
      }),
      events,
      log,
      clock,
      resyncMs: options.resyncMs,
      timeoutSeconds: options.watchTimeoutSeconds,
      stallMs: options.watchStallMs,
      onUpsert: (room) => this.queue.add(keyOf(room)),
      onDelete: (room) => this.queue.forget(keyOf(room)),
    });
  }

  /** True once the first list of Rooms arrived. */
  get hasSynced(): boolean {
    return this.watch.hasSynced;
  }

  start(): void {
    this.watch.start();
    for (let i = 0; i < this.options.concurrency; i++) this.workers.push(this.work());
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.watch.stop();
    await Promise.all(this.workers);
    this.workers = [];
  }

  /** Queues every known Room, e.g. when JetStream became ready again. */
  enqueueAll(): void {
    for (const room of this.watch.list()) this.queue.add(keyOf(room));
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.process(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async process(key: string): Promise<void> {
    const room = this.watch.get(key);
    if (!room) return this.queue.forget(key);

    const { events } = this.options;
    const log = this.options.log.child({
      namespace: room.metadata.namespace,
      name: room.metadata.name,
    });
    events.emit({ type: 'reconcile-started', key });
    try {
      if (room.metadata.deletionTimestamp) {
        await this.options.cleanup.finalize(room, log, this.queue.retries(key));
        events.emit({ type: 'reconcile-succeeded', key, ready: false });
      } else {
        const outcome = await this.options.reconciler.reconcile(room, log);
        events.emit({ type: 'reconcile-succeeded', key, ready: outcome.ready });
        // Through the queue, so these refreshes share the overall rate limit with the rest.
        if (outcome.refreshAfterMs) this.queue.addAfter(key, outcome.refreshAfterMs);
      }
      this.queue.forget(key);
    } catch (caught) {
      this.retry(key, caught, log);
    }
  }

  private retry(key: string, caught: unknown, log: Logger): void {
    const retryInMs = this.queue.addRateLimited(key);
    const error = caught instanceof Error ? caught.message : String(caught);
    const reason = isConflict(caught)
      ? 'conflict'
      : caught instanceof RoomApiError && caught.failure === 'unavailable'
        ? 'room-service-unavailable'
        : 'error';
    this.options.events.emit({ type: 'reconcile-failed', key, reason, error, retryInMs });

    // A conflict or an unreachable dependency is expected and retried; anything else is a fault.
    if (reason === 'error') log.error({ err: error, retryInMs }, 'reconcile failed');
    else log.info({ reason, retryInMs }, 'reconcile will be retried');
  }
}

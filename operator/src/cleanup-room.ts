/**
 * What happens when a Room is deleted: the finalizer archives its room in the Room service and
 * removes its history state from JetStream, then lets the object go. Deletion never hangs
 * forever: after CLEANUP_MAX_ATTEMPTS failures, or at once when the Room carries the
 * annotation `roomcast.dev/skip-cleanup: "true"`, the finalizer is removed with a Warning
 * Event saying what was left behind.
 */
import type { Logger } from '@roomcast/kit';

import { hasFinalizer, removeFinalizer } from './finalizer.js';
import { isConflict, type KubeClients } from './kube-client.js';
import type { EventRecorder } from './kube-events.js';
import type { OperatorEvents } from './operator-events.js';
import { roomSubject } from './reconcile-room.js';
import type { RoomApi } from './room-api.js';
import type { RoomHistoryStore } from './room-history.js';
import { keyOf, SKIP_CLEANUP_ANNOTATION, slugFor, type RoomObject } from './room-resource.js';

export interface RoomCleanupDeps {
  clients: KubeClients;
  api: RoomApi;
  history: RoomHistoryStore;
  recorder: EventRecorder;
  events: OperatorEvents;
  /** Failed cleanups before the finalizer is removed anyway. */
  maxAttempts: number;
}

export class RoomCleanup {
  constructor(private readonly deps: RoomCleanupDeps) {}

  /**
   * Cleans up a Room being deleted and removes the finalizer. `failedBefore` is how many
   * attempts for this Room already failed (the work queue counts them; nothing is written to
   * the object, whose every change would trigger a retry at once and skip the backoff).
   * @throws to ask for a retry, while attempts remain.
   */
  async finalize(room: RoomObject, log: Logger, failedBefore: number): Promise<void> {
    if (!hasFinalizer(room)) return;
    const key = keyOf(room);

    if (room.metadata.annotations?.[SKIP_CLEANUP_ANNOTATION] === 'true') {
      const message =
        `cleanup skipped (${SKIP_CLEANUP_ANNOTATION}): room ${room.status?.roomId ?? 'unknown'} ` +
        `is left unarchived and its history state in place`;
      return this.letGo(room, { why: 'annotation', message }, log);
    }

    let roomId: string | undefined;
    try {
      roomId = await this.archive(room);
    } catch (caught) {
      if (isConflict(caught)) throw caught;
      const attempts = failedBefore + 1;
      const error = caught instanceof Error ? caught.message : String(caught);
      log.warn({ attempts, max: this.deps.maxAttempts, err: error }, 'room cleanup failed');
      if (attempts < this.deps.maxAttempts) throw caught;

      const message =
        `cleanup gave up after ${attempts} failed attempts (last: ${error}); the room may be ` +
        `left unarchived and its history state in place`;
      return this.letGo(room, { why: 'failures', message }, log);
    }

    this.deps.events.emit({ type: 'room-archived', key, roomId });
    const what = roomId ? `archived room ${roomId}` : 'no room existed';
    await this.deps.recorder.record(roomSubject(room), {
      type: 'Normal',
      reason: 'RoomArchived',
      action: 'Cleanup',
      message: `${what}; history state removed`,
    });
    await removeFinalizer(this.deps.clients, room);
    this.deps.events.emit({ type: 'finalizer-removed', key });
    log.info({ roomId }, 'room archived and finalizer removed');
  }

  /** Archives the room and removes its history; returns its id, if it ever existed. */
  private async archive(room: RoomObject): Promise<string | undefined> {
    const slug = slugFor(room.metadata.namespace, room.metadata.name);
    const roomId = room.status?.roomId || (await this.deps.api.findBySlug(slug))?.id;
    if (!roomId) return undefined;

    await this.deps.api.archive(roomId);
    await this.deps.history.remove(roomId);
    return roomId;
  }

  private async letGo(
    room: RoomObject,
    outcome: { why: 'annotation' | 'failures'; message: string },
    log: Logger,
  ): Promise<void> {
    const reason = outcome.why === 'annotation' ? 'CleanupSkipped' : 'CleanupAbandoned';
    await this.deps.recorder.record(roomSubject(room), {
      type: 'Warning',
      reason,
      action: 'Cleanup',
      message: outcome.message,
    });
    await removeFinalizer(this.deps.clients, room);
    this.deps.events.emit({ type: 'cleanup-skipped', key: keyOf(room), why: outcome.why });
    log.warn({ reason }, outcome.message);
  }
}

/**
 * One level-triggered reconcile of one Room: whatever happened before, bring the world to the
 * spec and say in status how far it got. Steps: hold the finalizer; find or create the room in
 * the Room service and align it (RoomSynced); store its history policy in JetStream
 * (StreamReady); for a Ready Room, read its live session and viewer count (best effort,
 * live-viewers.ts); write status (Ready, observedGeneration, roomId, liveSessionId,
 * viewerCount). A deleted Room is cleaned up in cleanup-room.ts.
 */
import type { Logger } from '@roomcast/kit';

import type { Clock } from './clock.js';
import {
  applyConditions,
  findCondition,
  readyCondition,
  ROOM_SYNCED,
  STREAM_READY,
  type ConditionUpdate,
} from './conditions.js';
import { addFinalizer, hasFinalizer } from './finalizer.js';
import type { StreamsState } from './jetstream-streams.js';
import type { EventRecorder } from './kube-events.js';
import { MERGE_PATCH, type KubeClients } from './kube-client.js';
import { withLiveViewers, type LiveSessionReader, type LiveViewers } from './live-viewers.js';
import type { OperatorEvents } from './operator-events.js';
import { RoomApiError, type RoomApi } from './room-api.js';
import type { RoomHistoryStore } from './room-history.js';
import {
  DEFAULT_RETENTION,
  keyOf,
  parseDurationMs,
  ROOM_GROUP,
  ROOM_KIND,
  ROOM_PLURAL,
  ROOM_VERSION,
  type RoomObject,
  type RoomStatus,
} from './room-resource.js';
import { desiredRoom, ensureRoom } from './room-sync.js';

/** What a reconcile needs from the rest of the operator. */
export interface RoomReconcilerDeps {
  clients: KubeClients;
  api: RoomApi;
  history: RoomHistoryStore;
  /** The platform streams' last known state. */
  streams: () => StreamsState;
  recorder: EventRecorder;
  events: OperatorEvents;
  clock: Clock;
  /** Reads live sessions for status; undefined (no SESSION_SERVICE_ADDR) clears them. */
  liveSessions: LiveSessionReader | undefined;
  /** A Room showing a live session is reconciled again after this long. */
  liveSessionRefreshMs: number;
}

/** What a reconcile came to. */
export interface ReconcileOutcome {
  ready: boolean;
  /** Reconcile again after this long (a live session's viewer count moves); else undefined. */
  refreshAfterMs?: number;
}

/** A step's verdict: its condition, the room id if known, and an error to retry on. */
interface StepResult {
  condition: ConditionUpdate;
  roomId?: string;
  archived?: boolean;
  retry?: unknown;
}

export class RoomReconciler {
  constructor(private readonly deps: RoomReconcilerDeps) {}

  /**
   * Reconciles a Room that is not being deleted: whether it is Ready, and when to look again.
   * @throws to ask for a retry with backoff, after status has said what went wrong.
   */
  async reconcile(resource: RoomObject, log: Logger): Promise<ReconcileOutcome> {
    let room = resource;
    if (!hasFinalizer(room)) room = await addFinalizer(this.deps.clients, room);

    const synced = await this.syncRoom(room, log);
    const stream = await this.syncHistory(room, synced.roomId, log);
    const ready = readyCondition([synced.condition, stream.condition]);
    const isReady = ready.status === 'True';
    const viewers = isReady && synced.roomId ? await this.readViewers(room, synced.roomId) : keep;

    const status = await this.writeStatus(room, {
      roomId: synced.roomId,
      archived: synced.archived,
      viewers,
      conditions: [synced.condition, stream.condition, ready],
    });
    await this.announceFailure(room, synced.condition);

    if (synced.retry) throw synced.retry;
    if (stream.retry) throw stream.retry;
    // Only a Room showing a live session is polled; idle Rooms wait for the resync.
    const live = this.deps.liveSessions && status.liveSessionId;
    return { ready: isReady, refreshAfterMs: live ? this.deps.liveSessionRefreshMs : undefined };
  }

  /** The Room's viewers; with the feature off, none, so no stale count outlives it. */
  private readViewers(room: RoomObject, roomId: string): Promise<LiveViewers> | LiveViewers {
    if (!this.deps.liveSessions) return { state: 'idle' };
    return this.deps.liveSessions.read(keyOf(room), roomId);
  }

  private async syncRoom(room: RoomObject, log: Logger): Promise<StepResult> {
    const desired = desiredRoom(room);
    const knownId = room.status?.roomId || undefined;
    try {
      const ensured = await ensureRoom(this.deps.api, desired, knownId);
      const roomId = ensured.room.id;
      await this.announce(room, ensured.action, { roomId, changed: ensured.changed }, log);

      if (ensured.room.archived) {
        const message =
          `room ${roomId} (slug ${desired.slug}) is archived in the Room service and cannot be ` +
          `reopened; give the Room another name to get a new room`;
        return {
          roomId,
          archived: true,
          condition: condition(ROOM_SYNCED, 'False', 'RoomArchived', message),
        };
      }
      const message = `room ${roomId} (slug ${desired.slug}) matches the spec`;
      return {
        roomId,
        archived: false,
        condition: condition(ROOM_SYNCED, 'True', 'RoomUpToDate', message),
      };
    } catch (caught) {
      return { roomId: knownId, condition: syncFailure(caught), retry: retryOf(caught) };
    }
  }

  private async syncHistory(
    room: RoomObject,
    roomId: string | undefined,
    log: Logger,
  ): Promise<StepResult> {
    if (!roomId) {
      const message = 'waiting for the room to exist in the Room service';
      return { condition: condition(STREAM_READY, 'Unknown', 'WaitingForRoom', message) };
    }
    const streams = this.deps.streams();
    if (!streams.ready) {
      return { condition: condition(STREAM_READY, 'False', 'StreamsNotReady', streams.message) };
    }

    const retention = room.spec.history?.retention ?? DEFAULT_RETENTION;
    const maxEvents = room.spec.history?.maxEvents ?? null;
    try {
      const wrote = await this.deps.history.apply({
        roomId,
        slug: desiredRoom(room).slug,
        resource: keyOf(room),
        retention,
        retentionMs: parseDurationMs(retention),
        maxEvents,
      });
      if (wrote) log.info({ roomId, retention, maxEvents }, 'room history policy stored');
    } catch (caught) {
      const message = `could not store the room's history policy: ${errorMessage(caught)}`;
      return {
        condition: condition(STREAM_READY, 'False', 'HistoryUnavailable', message),
        retry: caught,
      };
    }

    const cap = maxEvents === null ? '' : `, at most ${maxEvents} events`;
    const message = `history kept for ${retention}${cap}; platform streams as declared`;
    return { condition: condition(STREAM_READY, 'True', 'StreamConfigured', message) };
  }

  /**
   * Writes status through the status subresource, only when something changed; resolves with
   * the status the Room has now.
   */
  private async writeStatus(
    room: RoomObject,
    update: {
      roomId?: string;
      archived?: boolean;
      viewers: LiveViewers;
      conditions: ConditionUpdate[];
    },
  ): Promise<RoomStatus> {
    const generation = room.metadata.generation;
    const status: RoomStatus = {
      ...withLiveViewers(room.status ?? {}, update.viewers),
      observedGeneration: generation,
      conditions: applyConditions(room.status?.conditions, update.conditions, {
        generation,
        now: new Date(this.deps.clock.now()),
      }),
    };
    if (update.roomId) status.roomId = update.roomId;
    if (update.archived !== undefined) status.archived = update.archived;
    if (JSON.stringify(status) === JSON.stringify(room.status)) return status;

    await this.deps.clients.custom.patchNamespacedCustomObjectStatus(
      {
        group: ROOM_GROUP,
        version: ROOM_VERSION,
        plural: ROOM_PLURAL,
        namespace: room.metadata.namespace,
        name: room.metadata.name,
        body: {
          metadata: { resourceVersion: room.metadata.resourceVersion },
          status: { ...clearedFields(room.status, status), ...status },
        },
      },
      MERGE_PATCH,
    );
    return status;
  }

  /** An Event and a typed event for each change made in the Room service. */
  private async announce(
    room: RoomObject,
    action: string,
    detail: { roomId: string; changed: string[] },
    log: Logger,
  ): Promise<void> {
    const key = keyOf(room);
    const { roomId, changed } = detail;
    if (action === 'unchanged') return;

    log.info({ roomId, action, changed }, 'room synced to the Room service');
    if (action === 'created') {
      this.deps.events.emit({ type: 'room-created', key, roomId });
      await this.event(room, 'Normal', 'RoomCreated', `created room ${roomId}`);
    } else if (action === 'found') {
      await this.event(room, 'Normal', 'RoomFound', `found existing room ${roomId} by its slug`);
    }
    if (changed.length > 0) {
      this.deps.events.emit({ type: 'room-updated', key, roomId, fields: changed });
      await this.event(
        room,
        'Normal',
        'RoomUpdated',
        `updated ${changed.join(', ')} of room ${roomId}`,
      );
    }
  }

  /** A Warning Event when RoomSynced turns False, not on every retry. */
  private async announceFailure(room: RoomObject, synced: ConditionUpdate): Promise<void> {
    if (synced.status === 'True') return;
    const previous = findCondition(room.status?.conditions, ROOM_SYNCED);
    if (previous?.status === synced.status && previous.reason === synced.reason) return;
    await this.event(room, 'Warning', synced.reason, synced.message);
  }

  private event(room: RoomObject, type: 'Normal' | 'Warning', reason: string, message: string) {
    return this.deps.recorder.record(roomSubject(room), {
      type,
      reason,
      action: 'Reconcile',
      message,
    });
  }
}

/** The Room as the subject of a Kubernetes Event. */
export function roomSubject(room: RoomObject) {
  return {
    apiVersion: `${ROOM_GROUP}/${ROOM_VERSION}`,
    kind: ROOM_KIND,
    namespace: room.metadata.namespace,
    name: room.metadata.name,
    uid: room.metadata.uid,
  };
}

/** Viewer information left as status had it, for Rooms that are not Ready. */
const keep: LiveViewers = { state: 'unknown' };

/** A merge patch keeps what it does not name: fields dropped from status are sent as null. */
function clearedFields(before: RoomStatus | undefined, after: RoomStatus): Record<string, null> {
  const cleared: Record<string, null> = {};
  for (const field of Object.keys(before ?? {})) {
    if (!(field in after)) cleared[field] = null;
  }
  return cleared;
}

function condition(
  type: string,
  status: ConditionUpdate['status'],
  reason: string,
  message: string,
): ConditionUpdate {
  return { type, status, reason, message };
}

/** RoomSynced for a failed sync: unreachable, refused, or failed otherwise. */
function syncFailure(caught: unknown): ConditionUpdate {
  const message = errorMessage(caught);
  if (caught instanceof RoomApiError && caught.failure === 'unavailable') {
    return condition(ROOM_SYNCED, 'False', 'RoomServiceUnavailable', message);
  }
  if (caught instanceof RoomApiError && caught.failure === 'rejected') {
    const code = caught.code ? ` (${caught.code})` : '';
    return condition(ROOM_SYNCED, 'False', 'RoomRejected', `${message}${code}`);
  }
  return condition(ROOM_SYNCED, 'False', 'RoomSyncFailed', message);
}

/** A refused spec waits for the spec to change (or the next resync); the rest retry. */
function retryOf(caught: unknown): unknown {
  if (caught instanceof RoomApiError && caught.failure === 'rejected') return undefined;
  return caught;
}

function errorMessage(caught: unknown): string {
  return caught instanceof Error ? caught.message : String(caught);
}

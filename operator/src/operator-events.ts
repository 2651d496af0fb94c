/**
 * What the operator does, as typed events rather than log lines to grep: tests wait on them,
 * metrics count them and the logger writes them. Each union member is one state change.
 */

/** The list-watch of one resource. */
export type WatchEvent =
  | { type: 'watch-listed'; resource: string; count: number; resourceVersion: string }
  | { type: 'watch-started'; resource: string; resourceVersion: string }
  | {
      type: 'watch-ended';
      resource: string;
      /** closed: the server ended it; error: the connection failed; stalled: nothing came for
       * too long; gone: 410, the resource version is too old and a relist follows. */
      reason: 'closed' | 'error' | 'stalled' | 'gone';
      error?: string;
    }
  | { type: 'watch-resync'; resource: string; count: number };

/** One reconcile of one object key. */
export type ReconcileEvent =
  | { type: 'reconcile-started'; key: string }
  | { type: 'reconcile-succeeded'; key: string; ready: boolean }
  | {
      type: 'reconcile-failed';
      key: string;
      /** conflict: a 409, retried at once; the rest wait out the backoff. */
      reason: 'conflict' | 'room-service-unavailable' | 'error';
      error: string;
      retryInMs: number;
    }
  | { type: 'room-created'; key: string; roomId: string }
  | { type: 'room-updated'; key: string; roomId: string; fields: string[] }
  | { type: 'room-archived'; key: string; roomId: string | undefined }
  | { type: 'cleanup-skipped'; key: string; why: 'annotation' | 'failures' }
  | { type: 'finalizer-removed'; key: string };

/** Leader election on the Lease. */
export type LeaderEvent =
  | { type: 'leader-acquired'; identity: string }
  | { type: 'leader-lost'; identity: string; why: string }
  | { type: 'leader-observed'; identity: string; holder: string };

/** The platform streams and the rooms' history state in JetStream. */
export type StreamEvent =
  | { type: 'stream-corrected'; stream: string; action: 'created' | 'updated' }
  | { type: 'stream-drift-unfixable'; stream: string; fields: string[] }
  | { type: 'streams-checked'; ready: boolean; message: string };

/** The Realtime autoscaler. */
export type AutoscaleEvent =
  | {
      type: 'autoscale-evaluated';
      totalConnections: number;
      currentReplicas: number;
      desiredReplicas: number;
      reason: string;
    }
  | { type: 'autoscale-scaled'; from: number; to: number; reason: string }
  | { type: 'autoscale-skipped'; why: string };

/** A Room's live session, read from the Session service for its status. */
export type LiveSessionEvent =
  | {
      type: 'live-session-read';
      key: string;
      roomId: string;
      /** Both undefined: the room has no live or paused session. */
      liveSessionId: string | undefined;
      viewerCount: number | undefined;
    }
  /** The first failed read of an outage; status keeps its last values meanwhile. */
  | { type: 'session-service-unavailable'; error: string }
  | { type: 'session-service-available' };

export type OperatorEvent =
  WatchEvent | ReconcileEvent | LeaderEvent | StreamEvent | AutoscaleEvent | LiveSessionEvent;

export type OperatorEventListener = (event: OperatorEvent) => void;

/** A synchronous fan-out of operator events; a throwing listener never breaks the operator. */
export class OperatorEvents {
  private readonly listeners = new Set<OperatorEventListener>();

  /** Subscribes; the returned function unsubscribes. */
  on(listener: OperatorEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: OperatorEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // Observers must not be able to stop a reconcile; their faults are theirs.
      }
    }
  }
}

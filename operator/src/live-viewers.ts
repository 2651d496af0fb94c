/**
 * A Room's live session and viewer count in status: read from the Session service (the
 * newest session of the room), best effort. A Session service that cannot be asked never makes
 * a Room un-Ready; status keeps what it last showed, and the outage is logged once.
 */
import { asError, type Logger } from '@roomcast/kit';
import { StreamState, type Session } from '@roomcast/proto';

import type { OperatorEvents } from './operator-events.js';
import type { RoomStatus } from './room-resource.js';
import type { SessionApi } from './session-api.js';

/**
 * What the operator knows about a room's viewers. live: its newest session is LIVE or PAUSED;
 * idle: it has no such session; unknown: the Session service could not be asked.
 */
export type LiveViewers =
  | { state: 'live'; liveSessionId: string; viewerCount: number }
  | { state: 'idle' }
  | { state: 'unknown' };

/** The CRD types viewerCount as int32; a larger count is shown as the largest it can hold. */
const MAX_VIEWER_COUNT = 2_147_483_647;

const LIVE_STATES = new Set<StreamState>([
  StreamState.STREAM_STATE_LIVE,
  StreamState.STREAM_STATE_PAUSED,
]);

/** The viewers of a room whose newest session is `session`. */
export function liveViewersOf(session: Session | undefined): LiveViewers {
  if (!session || !LIVE_STATES.has(session.state)) return { state: 'idle' };

  // viewer_count is an int64 string on the wire; status holds an int32 (the CRD's type).
  const count = Number(session.viewerCount);
  const viewerCount = Number.isFinite(count) ? Math.min(Math.max(count, 0), MAX_VIEWER_COUNT) : 0;
  return { state: 'live', liveSessionId: session.id, viewerCount };
}

/** `status` showing `viewers`: set when live, cleared when idle, kept as it was when unknown. */
export function withLiveViewers(status: RoomStatus, viewers: LiveViewers): RoomStatus {
  if (viewers.state === 'unknown') return status;

  if (viewers.state === 'live') {
    return { ...status, liveSessionId: viewers.liveSessionId, viewerCount: viewers.viewerCount };
  }
  const idle = { ...status };
  delete idle.liveSessionId;
  delete idle.viewerCount;
  return idle;
}

/** Options of {@link LiveSessionReader}. */
export interface LiveSessionReaderOptions {
  api: SessionApi;
  events: OperatorEvents;
  /** The operator's logger; an outage is logged here once, not once per Room. */
  log: Logger;
}

/** Reads rooms' live sessions; never throws, so the Session service cannot fail a reconcile. */
export class LiveSessionReader {
  private unavailable = false;

  constructor(private readonly options: LiveSessionReaderOptions) {}

  /** The viewers of room `roomId` (of the Room `key`), or unknown when the service failed. */
  async read(key: string, roomId: string): Promise<LiveViewers> {
    const { api, events, log } = this.options;
    let viewers: LiveViewers;
    try {
      viewers = liveViewersOf(await api.newestSession(roomId));
    } catch (caught) {
      const error = asError(caught).message;
      if (!this.unavailable) {
        this.unavailable = true;
        events.emit({ type: 'session-service-unavailable', error });
        log.warn({ err: error, roomId }, 'Session service unreachable; Room viewer counts kept');
      }
      return { state: 'unknown' };
    }

    if (this.unavailable) {
      this.unavailable = false;
      events.emit({ type: 'session-service-available' });
      log.info('Session service reachable again; Room viewer counts refreshed');
    }
    events.emit({
      type: 'live-session-read',
      key,
      roomId,
      liveSessionId: viewers.state === 'live' ? viewers.liveSessionId : undefined,
      viewerCount: viewers.state === 'live' ? viewers.viewerCount : undefined,
    });
    return viewers;
  }
}

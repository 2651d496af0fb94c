import { StreamState, type Session } from '@roomcast/proto';
import type { EventPublisher } from './event-publisher.js';
import type { PresenceLedger } from './presence-ledger.js';
import type { RoomDirectory } from './room-directory.js';
import type { StoredSession, SessionStore } from './session-store.js';
import type { SlowMode } from './slow-mode.js';

/** What the Session handlers work with; built once in service.ts. */
export interface SessionParts {
  store: SessionStore;
  presence: PresenceLedger;
  slowMode: SlowMode;
  rooms: RoomDirectory;
  events: EventPublisher;
}

/** A stored session with its live viewer count from Redis (0 once it ended). */
export async function withViewerCount(
  parts: SessionParts,
  session: StoredSession,
): Promise<Session> {
  if (session.state === StreamState.STREAM_STATE_ENDED) return { ...session, viewerCount: '0' };
  return { ...session, viewerCount: await parts.presence.viewerCount(session.id) };
}

/** Many sessions with their viewer counts, read in one Redis round trip. */
export async function withViewerCounts(
  parts: SessionParts,
  sessions: StoredSession[],
): Promise<Session[]> {
  const counts = await parts.presence.viewerCounts(sessions.map((session) => session.id));
  return sessions.map((session, index) => ({
    ...session,
    viewerCount: session.state === StreamState.STREAM_STATE_ENDED ? '0' : counts[index]!,
  }));
}

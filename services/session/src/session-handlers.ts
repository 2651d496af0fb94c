import {
  asError,
  decodePageToken,
  encodePageToken,
  failedPrecondition,
  invalidArgument,
  pageSize,
  requireId,
  unary,
  type HandlerDeps,
} from '@roomcast/kit';
import { StreamState, type SessionServiceServer } from '@roomcast/proto';
import { streamStatusEvent } from './event-publisher.js';
import { withViewerCount, withViewerCounts, type SessionParts } from './session-parts.js';
import { checkSessionTitle, checkStatusTarget } from './session-rules.js';
import type { StoredSession } from './session-store.js';

const PAGE = { default: 50, max: 200 };

type LifecycleHandlers = Omit<SessionServiceServer, 'postChatMessage' | 'signalUserPresence'>;

/** Starting, reading, pausing and ending sessions, and storing their analytics. */
export function sessionLifecycleHandlers(
  deps: HandlerDeps,
  parts: SessionParts,
): LifecycleHandlers {
  const { store, rooms } = parts;
  const publishStatus = (session: StoredSession) =>
    parts.events.publish(
      streamStatusEvent({ sessionId: session.id, roomId: session.roomId, state: session.state }),
    );

  return {
    startSession: unary(deps, 'StartSession', async (request, context) => {
      const roomId = requireId(request.roomId, 'room_id');
      const title = checkSessionTitle(request.title);

      const room = await rooms.fetch(roomId, context.caller.requestId);
      if (room.archived) {
        throw failedPrecondition('ROOM_ARCHIVED', `room ${roomId} is archived`);
      }

      const session = await store.start({ roomId, title: title ?? room.title }, publishStatus);
      context.log.info({ sessionId: session.id, roomId }, 'session started');
      return { ...session, viewerCount: '0' };
    }),

    getSession: unary(deps, 'GetSession', async (request) => {
      const session = await store.get(requireId(request.sessionId, 'session_id'));
      return withViewerCount(parts, session);
    }),

    listSessions: unary(deps, 'ListSessions', async (request) => {
      const limit = pageSize(request.pageSize, PAGE);
      const roomId = request.roomId === '0' ? undefined : requireId(request.roomId, 'room_id');
      const before = decodePageToken(request.pageToken);

      const sessions = await store.list({
        roomId,
        beforeId: before === '0' ? undefined : before,
        limit: limit + 1,
      });
      const page = sessions.slice(0, limit);
      const more = sessions.length > limit;
      return {
        sessions: await withViewerCounts(parts, page),
        nextPageToken: more ? encodePageToken(page.at(-1)!.id) : '',
      };
    }),

    setStreamStatus: unary(deps, 'SetStreamStatus', async (request) => {
      const id = requireId(request.sessionId, 'session_id');
      const state = checkStatusTarget(request.state);
      const { session } = await store.transition(id, state, publishStatus);
      return withViewerCount(parts, session);
    }),

    endSession: unary(deps, 'EndSession', async (request, context) => {
      const id = requireId(request.sessionId, 'session_id');
      const { session } = await store.transition(id, StreamState.STREAM_STATE_ENDED, publishStatus);
      context.log.info({ sessionId: id, roomId: session.roomId }, 'session ended');

      // The session has ended either way; stale viewer keys only cost memory, so log and go on.
      await parts.presence.close(id).catch((caught: unknown) => {
        context.log.error({ err: asError(caught), sessionId: id }, 'clearing viewers failed');
      });
      return { ...session, viewerCount: '0' };
    }),

    updateSessionAggregates: unary(deps, 'UpdateSessionAggregates', async (request) => {
      const id = requireId(request.sessionId, 'session_id');
      const aggregates = request.aggregates;
      if (!aggregates) {
        throw invalidArgument('INVALID_AGGREGATES', 'aggregates is required', 'aggregates');
      }
      const claimed = aggregates.sessionId === '' ? '0' : aggregates.sessionId;
      if (claimed !== '0' && claimed !== id) {
        throw invalidArgument(
          'INVALID_AGGREGATES',
          `aggregates.session_id ${aggregates.sessionId} does not match session_id ${id}`,
          'aggregates.session_id',
        );
      }

      const session = await store.setAggregates(id, { ...aggregates, sessionId: id });
      return withViewerCount(parts, session);
    }),
  };
}

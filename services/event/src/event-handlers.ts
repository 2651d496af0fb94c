import {
  decodePageToken,
  encodePageToken,
  invalidArgument,
  pageSize,
  requireId,
  unary,
  type HandlerDeps,
} from '@roomcast/kit';
import { EventType, type EventServiceServer, type ListSessionEventsRequest } from '@roomcast/proto';
import type { EventHistory } from './event-history.js';

const PAGE = { default: 100, max: 1000 };
const SEQUENCE = /^(0|[1-9]\d{0,18})$/;

/** The EventService gRPC handlers: validation here, reads in EventHistory. */
export function eventServiceHandlers(deps: HandlerDeps, history: EventHistory): EventServiceServer {
  return {
    listSessionEvents: unary(deps, 'ListSessionEvents', async (request) => {
      const sessionId = requireId(request.sessionId, 'session_id');
      const limit = pageSize(request.pageSize, PAGE);
      const afterSequence = startAfter(request);
      const types = checkTypes(request.types);

      const events = await history.list({ sessionId, afterSequence, types, limit: limit + 1 });
      const page = events.slice(0, limit);
      const more = events.length > limit;
      return { events: page, nextPageToken: more ? encodePageToken(page.at(-1)!.sequence) : '' };
    }),
  };
}

/** A page token overrides after_sequence. */
function startAfter(request: ListSessionEventsRequest): string {
  if (request.pageToken) return decodePageToken(request.pageToken);

  const after = request.afterSequence || '0';
  if (!SEQUENCE.test(after) || BigInt(after) > 9_223_372_036_854_775_807n) {
    throw invalidArgument(
      'INVALID_AFTER_SEQUENCE',
      `after_sequence must be 0 or a positive sequence number, got "${after}"`,
      'after_sequence',
    );
  }
  return after;
}

function checkTypes(types: EventType[]): EventType[] {
  for (const type of types) {
    if (type === EventType.EVENT_TYPE_UNSPECIFIED || type === EventType.UNRECOGNIZED) {
      throw invalidArgument(
        'INVALID_EVENT_TYPE',
        'types may hold only CHAT_MESSAGE, STREAM_STATUS, USER_PRESENCE or VIEWER_COUNT',
        'types',
      );
    }
  }
  return [...new Set(types)];
}

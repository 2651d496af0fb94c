import { invalidArgument, requireId } from '@roomcast/kit';
import { MAX_SEQUENCE } from './stored-entry.js';

/** What a client asks for, on a WebSocket URL or in StreamEvents. */
export interface StreamRequest {
  sessionId: string;
  /** The last sequence the client saw; 0 for the whole history. */
  afterSequence: bigint;
}

/** A viewer's socket request: a stream request plus who is watching. */
export interface ViewerRequest extends StreamRequest {
  /** undefined for an anonymous viewer. */
  userId: string | undefined;
}

const WS_PATH = /^\/ws\/sessions\/([^/]*)$/;

/** True when the path is one this server upgrades, valid id or not. */
export function isViewerPath(pathname: string): boolean {
  return WS_PATH.test(pathname);
}

/** Validates /ws/sessions/{id}?after_sequence=N&user_id=U; throws INVALID_ARGUMENT errors. */
export function parseViewerRequest(url: URL): ViewerRequest {
  const rawId = WS_PATH.exec(url.pathname)?.[1] ?? '';
  const userId = url.searchParams.get('user_id');
  return {
    ...parseStreamRequest({
      sessionId: rawId,
      afterSequence: url.searchParams.get('after_sequence') ?? '0',
    }),
    userId: userId === null || userId === '' ? undefined : requireId(userId, 'user_id'),
  };
}

/** Validates a session id and an after_sequence given as strings. */
export function parseStreamRequest(raw: { sessionId: string; afterSequence: string }) {
  const request: StreamRequest = {
    sessionId: requireId(raw.sessionId, 'session_id'),
    afterSequence: parseSequence(raw.afterSequence || '0'),
  };
  return request;
}

function parseSequence(value: string): bigint {
  if (!/^\d{1,19}$/.test(value) || BigInt(value) > MAX_SEQUENCE) {
    throw invalidArgument(
      'INVALID_AFTER_SEQUENCE',
      `after_sequence must be a whole number from 0 to ${MAX_SEQUENCE}, got "${value}"`,
      'after_sequence',
    );
  }
  return BigInt(value);
}

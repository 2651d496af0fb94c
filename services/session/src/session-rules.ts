import {
  failedPrecondition,
  hasVisibleCharacter,
  invalidArgument,
  requireStorableText,
} from '@roomcast/kit';
import { PresenceAction, StreamState } from '@roomcast/proto';

export const MAX_SESSION_TITLE_LENGTH = 200;
/** Realtime's connection ids are UUIDs; the bound keeps Redis keys small. */
export const MAX_CONNECTION_ID_LENGTH = 128;

/** Length as people count it in chat limits: Unicode code points, not UTF-16 units. */
export function codePointLength(text: string): number {
  return [...text].length;
}

/** An empty title means "use the room's title"; a given one must not be blank. */
export function checkSessionTitle(title: string): string | undefined {
  if (title === '') return undefined;
  const trimmed = requireStorableText(title, 'title').trim();
  const length = codePointLength(trimmed);
  if (length === 0 || length > MAX_SESSION_TITLE_LENGTH) {
    throw invalidArgument(
      'INVALID_TITLE',
      `title must be empty (the room's title) or 1 to ${MAX_SESSION_TITLE_LENGTH} characters ` +
        `and not blank`,
      'title',
    );
  }
  return trimmed;
}

/**
 * Chat text must say something: at least one visible character, so text of only white space,
 * zero-width or other format characters, or lone combining marks is EMPTY_MESSAGE. It is
 * checked, never changed: the text is stored and published exactly as sent, so surrounding
 * spaces, emoji, combining marks and right-to-left text stay.
 */
export function requireChatText(text: string): string {
  requireStorableText(text, 'text');
  if (!hasVisibleCharacter(text)) {
    throw invalidArgument(
      'EMPTY_MESSAGE',
      'text must contain more than whitespace and invisible characters (such as zero-width ' +
        'spaces, joiners or lone combining marks)',
      'text',
    );
  }
  return text;
}

/** Chat text within the room's limit, counted in code points. */
export function checkChatLength(text: string, maxLength: number): string {
  const length = codePointLength(text);
  if (length > maxLength) {
    throw invalidArgument(
      'MESSAGE_TOO_LONG',
      `text is ${length} characters; this room accepts at most ${maxLength}`,
      'text',
    );
  }
  return text;
}

/** SetStreamStatus moves between LIVE and PAUSED only; ending has its own RPC. */
export function checkStatusTarget(state: StreamState): StreamState {
  if (state === StreamState.STREAM_STATE_LIVE || state === StreamState.STREAM_STATE_PAUSED) {
    return state;
  }
  throw invalidArgument(
    'INVALID_STREAM_STATE',
    `state must be STREAM_STATE_LIVE or STREAM_STATE_PAUSED (use EndSession to end), got ${state}`,
    'state',
  );
}

export function checkPresenceAction(action: PresenceAction): PresenceAction {
  if (action === PresenceAction.PRESENCE_ACTION_JOIN) return action;
  if (action === PresenceAction.PRESENCE_ACTION_LEAVE) return action;
  throw invalidArgument(
    'INVALID_PRESENCE_ACTION',
    `action must be PRESENCE_ACTION_JOIN or PRESENCE_ACTION_LEAVE, got ${action}`,
    'action',
  );
}

export function checkConnectionId(connectionId: string): string {
  if (connectionId.length === 0 || connectionId.length > MAX_CONNECTION_ID_LENGTH) {
    throw invalidArgument(
      'INVALID_CONNECTION_ID',
      `connection_id must be 1 to ${MAX_CONNECTION_ID_LENGTH} characters`,
      'connection_id',
    );
  }
  return connectionId;
}

/** Refuses work on a session that has ended. */
export function requireNotEnded(session: { id: string; state: StreamState }): void {
  if (session.state === StreamState.STREAM_STATE_ENDED) {
    throw failedPrecondition('SESSION_ENDED', `session ${session.id} has ended`);
  }
}

import { asError, requireId, unary, type CallContext, type HandlerDeps } from '@roomcast/kit';
import {
  PresenceAction,
  StreamState,
  type SessionServiceServer,
  type SignalUserPresenceRequest,
} from '@roomcast/proto';
import { chatMessageEvent, presenceEvent } from './event-publisher.js';
import type { SessionParts } from './session-parts.js';
import {
  checkChatLength,
  checkConnectionId,
  checkPresenceAction,
  requireChatText,
  requireNotEnded,
} from './session-rules.js';
import type { PresenceChange } from './presence-ledger.js';

type LiveHandlers = Pick<SessionServiceServer, 'postChatMessage' | 'signalUserPresence'>;

/** Chat and presence: what happens inside a session while it runs. */
export function sessionLiveHandlers(deps: HandlerDeps, parts: SessionParts): LiveHandlers {
  return {
    postChatMessage: unary(deps, 'PostChatMessage', async (request, context) => {
      const sessionId = requireId(request.sessionId, 'session_id');
      const userId = requireId(request.userId, 'user_id');
      requireChatText(request.text);

      return parts.store.whileNotEnded(sessionId, async (session) => {
        const chat = await parts.rooms.chatSettings(session.roomId, context.caller.requestId);
        const text = checkChatLength(request.text, chat.maxMessageLength);

        const turn = { sessionId, userId, slowModeSeconds: chat.slowModeSeconds };
        await parts.slowMode.take(turn);
        const event = chatMessageEvent({ sessionId, roomId: session.roomId, userId, text });
        try {
          await parts.events.publish(event);
        } catch (caught) {
          // Not accepted, so the user's slow-mode turn was not used.
          await parts.slowMode.release(turn).catch(() => undefined);
          throw caught;
        }
        return { eventId: event.eventId };
      });
    }),

    signalUserPresence: unary(deps, 'SignalUserPresence', async (request, context) => {
      return signalPresence(parts, request, context);
    }),
  };
}

async function signalPresence(
  parts: SessionParts,
  request: SignalUserPresenceRequest,
  context: CallContext,
): Promise<{ viewerCount: string }> {
  const connection = {
    sessionId: requireId(request.sessionId, 'session_id'),
    userId: requireId(request.userId, 'user_id'),
    connectionId: checkConnectionId(request.connectionId),
  };
  const action = checkPresenceAction(request.action);
  const joining = action === PresenceAction.PRESENCE_ACTION_JOIN;

  const session = await parts.store.get(connection.sessionId);
  if (joining) requireNotEnded(session);
  // An ended session has no viewers; a late LEAVE from its sockets changes nothing.
  if (session.state === StreamState.STREAM_STATE_ENDED) return { viewerCount: '0' };

  const change: PresenceChange = joining
    ? await parts.presence.join(connection)
    : await parts.presence.leave(connection);
  if (!change.changed) return { viewerCount: change.viewerCount };

  const event = presenceEvent({
    ...connection,
    roomId: session.roomId,
    action,
    viewerCount: change.viewerCount,
  });
  try {
    await parts.events.publish(event);
  } catch (caught) {
    await undoPresence(parts, { ...connection, joining }, context);
    throw caught;
  }
  return { viewerCount: change.viewerCount };
}

/**
 * A change whose event could not be published is taken back, so the caller's retry makes the
 * change (and its event) again instead of finding nothing to do.
 */
async function undoPresence(
  parts: SessionParts,
  change: { sessionId: string; userId: string; connectionId: string; joining: boolean },
  context: CallContext,
): Promise<void> {
  try {
    if (change.joining) await parts.presence.leave(change);
    else await parts.presence.join(change);
  } catch (caught) {
    context.log.error({ err: asError(caught), ...change }, 'undoing a presence change failed');
  }
}

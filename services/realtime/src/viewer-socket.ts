import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { RoomcastError } from '@roomcast/kit';
import { CloseCode, CloseReason } from './close-codes.js';
import { subscribe, type RealtimeContext } from './realtime-context.js';
import { requireStoredThrough } from './resume-check.js';
import { anonymousUserId } from './session-gateway.js';
import { parseViewerRequest, type ViewerRequest } from './stream-request.js';
import type { SubscriptionEnd } from './subscription.js';

/** How long a closing socket may take to finish the close handshake before it is cut. */
const CLOSE_HANDSHAKE_MS = 5_000;
/** Close reasons are limited to 123 bytes by the protocol. */
const MAX_REASON_BYTES = 123;

/**
 * Serves one upgraded viewer socket: validates the URL, checks the session, sends the ready
 * frame, signals JOIN, streams events until the socket closes, then signals LEAVE.
 */
export async function serveViewer(
  socket: WebSocket,
  url: URL,
  options: { context: RealtimeContext; maxBufferedBytes: number },
): Promise<void> {
  const { context } = options;
  const request = await admit(socket, url, context);
  if (!request) return;

  const viewer = {
    sessionId: request.sessionId,
    userId: request.userId ?? anonymousUserId(),
    connectionId: randomUUID(),
  };
  const log = context.log.child(viewer);
  socket.send(
    JSON.stringify({ type: 'ready', ...viewer, afterSequence: request.afterSequence.toString() }),
  );
  const presence = context.sessions.join(viewer);

  const subscription = subscribe(context, {
    ...request,
    sink: {
      send: (entry) => {
        if (socket.readyState !== WebSocket.OPEN) return true;
        socket.send(entry.frame);
        return socket.bufferedAmount <= options.maxBufferedBytes;
      },
    },
    onEnd: (end) => {
      logEnd(log, end);
      if (end.reason === 'slow-consumer')
        closeSocket(socket, CloseCode.TOO_SLOW, CloseReason.TOO_SLOW);
      else closeSocket(socket, CloseCode.TRY_AGAIN_LATER, CloseReason.HISTORY_UNAVAILABLE);
    },
  });

  // Once closed: stop streaming, count the socket out, signal LEAVE. Drain waits for all of it.
  const untrack = context.ledger.add({
    drain: async () => {
      closeSocket(socket, CloseCode.SERVICE_RESTART, CloseReason.SERVICE_RESTART);
      await finished;
    },
  });
  const finished = new Promise<void>((resolve) => socket.once('close', () => resolve())).then(
    () => {
      subscription.stop();
      untrack();
      return presence.leave();
    },
  );
  await finished;
}

/** The checked request, or undefined once the socket was closed with the reason why not. */
async function admit(
  socket: WebSocket,
  url: URL,
  context: RealtimeContext,
): Promise<ViewerRequest | undefined> {
  let request: ViewerRequest;
  try {
    request = parseViewerRequest(url);
    await context.sessions.requireSession(request.sessionId);
    await requireStoredThrough({ request, hubs: context.hubs, history: context.history });
  } catch (caught) {
    closeSocket(socket, closeCodeOf(caught), reasonOf(caught));
    return undefined;
  }

  if (socket.readyState !== WebSocket.OPEN) return undefined;
  if (context.draining) {
    closeSocket(socket, CloseCode.SERVICE_RESTART, CloseReason.SERVICE_RESTART);
    return undefined;
  }
  return request;
}

function closeCodeOf(caught: unknown): number {
  if (!(caught instanceof RoomcastError)) return CloseCode.INTERNAL;
  if (caught.kind === 'invalid') return CloseCode.BAD_REQUEST;
  if (caught.kind === 'notFound') return CloseCode.SESSION_NOT_FOUND;
  return CloseCode.TRY_AGAIN_LATER;
}

function reasonOf(caught: unknown): string {
  const message = caught instanceof RoomcastError ? caught.message : 'internal error';
  const bytes = Buffer.from(message);
  if (bytes.length <= MAX_REASON_BYTES) return message;
  return (
    bytes
      .subarray(0, MAX_REASON_BYTES - 3)
      .toString()
      .replace(/\uFFFD$/, '') + '...'
  );
}

/** Starts the close handshake, and cuts the connection if the peer does not finish it. */
export function closeSocket(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === WebSocket.CLOSED) return;
  if (socket.readyState !== WebSocket.CLOSING) socket.close(code, reason);

  const cut = setTimeout(() => socket.terminate(), CLOSE_HANDSHAKE_MS);
  cut.unref();
  socket.once('close', () => clearTimeout(cut));
}

function logEnd(log: RealtimeContext['log'], end: SubscriptionEnd): void {
  if (end.reason === 'slow-consumer') log.info('closing a socket that reads too slowly');
  else log.warn({ err: end.error }, 'closing a socket: event history unavailable');
}

import { RoomcastError, serverStream, unary, type HandlerDeps } from '@roomcast/kit';
import type { Event, RealtimeServiceServer } from '@roomcast/proto';
import { subscribe, type RealtimeContext } from './realtime-context.js';
import { requireStoredThrough } from './resume-check.js';
import { parseStreamRequest, type StreamRequest } from './stream-request.js';
import type { Subscription, SubscriptionEnd } from './subscription.js';

/** The part of a gRPC server stream that StreamEvents writes to. */
interface EventStream {
  write(event: Event): boolean;
  /** Events written but not yet taken by HTTP/2 flow control. */
  readonly writableLength: number;
}

/** The RealtimeService gRPC handlers: Healthz and StreamEvents. */
export function realtimeServiceHandlers(
  deps: HandlerDeps,
  context: RealtimeContext,
  options: { maxQueuedEvents: number },
): RealtimeServiceServer {
  return {
    healthz: unary(deps, 'Healthz', async () => ({
      status: context.draining ? 'DRAINING' : 'SERVING',
      connections: String(context.ledger.count),
    })),

    streamEvents: serverStream(deps, 'StreamEvents', async (call, { signal }) => {
      if (context.draining) throw drainingError();
      const request = parseStreamRequest(call.request);
      await context.sessions.requireSession(request.sessionId);
      await requireStoredThrough({ request, hubs: context.hubs, history: context.history });

      await streamEvents(call, { request, context, signal, ...options });
    }),
  };
}

/**
 * Streams until the client cancels (resolves) or the stream must end: a slow consumer, history
 * unavailable, or drain (rejects with the error the client sees).
 */
function streamEvents(
  call: EventStream,
  options: {
    request: StreamRequest;
    context: RealtimeContext;
    signal: AbortSignal;
    maxQueuedEvents: number;
  },
): Promise<void> {
  const { request, context, signal } = options;
  return new Promise<void>((resolve, reject) => {
    // Filled once subscribed; finish may run before that (a slow consumer during the catch-up).
    const current: { subscription?: Subscription } = {};
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      current.subscription?.stop();
      untrack();
      if (error) reject(error);
      else resolve();
    };

    const untrack = context.ledger.add({ drain: async () => finish(drainingError()) });
    current.subscription = subscribe(context, {
      ...request,
      sink: {
        send: (entry) => {
          call.write(entry.event);
          return call.writableLength <= options.maxQueuedEvents;
        },
      },
      onEnd: (end) => finish(endError(end)),
    });

    if (signal.aborted) finish();
    else signal.addEventListener('abort', () => finish(), { once: true });
  });
}

function drainingError(): RoomcastError {
  return new RoomcastError(
    'unavailable',
    'REALTIME_DRAINING',
    'this Realtime instance is restarting; reconnect and resume with after_sequence',
  );
}

function endError(end: SubscriptionEnd): RoomcastError {
  if (end.reason === 'slow-consumer') {
    return new RoomcastError(
      'exhausted',
      'SLOW_CONSUMER',
      'the stream fell too far behind; reconnect and resume with after_sequence',
    );
  }
  return new RoomcastError(
    'unavailable',
    'EVENT_HISTORY_UNAVAILABLE',
    'the event history could not be read; resume with after_sequence later',
    { cause: end.error },
  );
}

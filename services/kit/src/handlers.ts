import type {
  handleServerStreamingCall,
  handleUnaryCall,
  ServerUnaryCall,
  ServerWritableStream,
} from '@grpc/grpc-js';
import type { Logger } from './logger.js';
import { callerIdentity, type CallerIdentity } from './identity.js';
import { toServiceError } from './errors.js';
import type { ServiceMetrics } from './metrics.js';

/** What a handler gets besides its request: who called, and a logger carrying the ids. */
export interface CallContext {
  caller: CallerIdentity;
  log: Logger;
  /** Aborted when the client cancels or the deadline passes. */
  signal: AbortSignal;
}

export interface HandlerDeps {
  log: Logger;
  metrics: ServiceMetrics;
}

/**
 * Adapts an async handler to grpc-js: builds the call context, maps a thrown error to a gRPC
 * status in one place and counts the outcome.
 */
export function unary<Req, Res>(
  deps: HandlerDeps,
  method: string,
  handler: (request: Req, context: CallContext) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback) => {
    const context = callContext(deps.log, method, call);
    const stopTimer = deps.metrics.startCall(method);

    handler(call.request, context).then(
      (response) => {
        stopTimer('OK');
        callback(null, response);
      },
      (caught: unknown) => {
        const error = toServiceError(caught, context.log);
        stopTimer(String(error.code));
        callback(error, null);
      },
    );
  };
}

/** Adapts an async server-streaming handler; the handler writes to `call` until it resolves. */
export function serverStream<Req, Res>(
  deps: HandlerDeps,
  method: string,
  handler: (call: ServerWritableStream<Req, Res>, context: CallContext) => Promise<void>,
): handleServerStreamingCall<Req, Res> {
  return (call) => {
    const context = callContext(deps.log, method, call);
    const stopTimer = deps.metrics.startCall(method);

    handler(call, context).then(
      () => {
        stopTimer('OK');
        call.end();
      },
      (caught: unknown) => {
        const error = toServiceError(caught, context.log);
        stopTimer(String(error.code));
        // grpc-js turns an 'error' event into the call's status; destroy() would send none.
        call.emit('error', Object.assign(new Error(error.details), error));
      },
    );
  };
}

function callContext(
  log: Logger,
  method: string,
  call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>,
): CallContext {
  const caller = callerIdentity(call.metadata);
  const controller = new AbortController();
  call.on('cancelled', () => controller.abort());

  return {
    caller,
    log: log.child({ method, requestId: caller.requestId, subject: caller.subject }),
    signal: controller.signal,
  };
}

import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import {
  Session,
  SessionServiceService,
  StreamState,
  type SessionAggregates,
  type SessionServiceServer,
} from '@roomcast/proto';

/** One UpdateSessionAggregates call as the fake received it. */
export interface CapturedPush {
  sessionId: string;
  aggregates: SessionAggregates;
  atMs: number;
}

/**
 * A stand-in for the Session service at the network edge: a real gRPC server that records
 * UpdateSessionAggregates calls and answers every other method UNIMPLEMENTED.
 */
export class FakeSessionService {
  readonly pushes: CapturedPush[] = [];
  private readonly server = new Server();
  port = 0;

  async start(): Promise<void> {
    const handlers: Partial<SessionServiceServer> = {
      updateSessionAggregates: (call, callback) => {
        const { sessionId, aggregates } = call.request;
        if (!aggregates) {
          callback({ code: status.INVALID_ARGUMENT, details: 'aggregates missing' }, null);
          return;
        }
        this.pushes.push({ sessionId, aggregates, atMs: Date.now() });
        callback(
          null,
          Session.fromPartial({ id: sessionId, state: StreamState.STREAM_STATE_LIVE, aggregates }),
        );
      },
    };
    // grpc-js answers the methods left out with UNIMPLEMENTED.
    this.server.addService(SessionServiceService, handlers as SessionServiceServer);
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
  }

  /** Pushes received for one session, oldest first. */
  pushesOf(sessionId: string): CapturedPush[] {
    return this.pushes.filter((push) => push.sessionId === sessionId);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }
}

/**
 * A Session service at the network edge for the Adapter's tests: a real gRPC server on a free
 * loopback port whose GetSession answers from a map. The Adapter's own client, deadline and
 * error mapping run for real; only Session's storage is replaced.
 */
import {
  Server,
  ServerCredentials,
  status as GrpcStatus,
  type sendUnaryData,
  type ServerUnaryCall,
} from '@grpc/grpc-js';
import {
  SessionServiceService,
  StreamState,
  type GetSessionRequest,
  type Session,
  type SessionServiceServer,
} from '@roomcast/proto';

export interface FakeSessionService {
  /** host:port to give the Adapter as SESSION_SERVICE_ADDR. */
  address: string;
  /** Adds or replaces a session GetSession will answer. */
  put(session: { id: string; roomId: string; state?: StreamState }): void;
  /** GetSession calls so far. */
  readonly calls: number;
  stop(): Promise<void>;
}

export async function startFakeSessionService(): Promise<FakeSessionService> {
  const sessions = new Map<string, Session>();
  let calls = 0;

  const getSession = (
    call: ServerUnaryCall<GetSessionRequest, Session>,
    callback: sendUnaryData<Session>,
  ) => {
    calls += 1;
    const session = sessions.get(call.request.sessionId);
    if (session) return callback(null, session);
    callback({
      code: GrpcStatus.NOT_FOUND,
      details: `session ${call.request.sessionId} does not exist`,
    });
  };

  const server = new Server();
  // Only GetSession is served; grpc-js answers the other methods UNIMPLEMENTED.
  server.addService(SessionServiceService, { getSession } as unknown as SessionServiceServer);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );

  return {
    address: `127.0.0.1:${port}`,
    put: (fields) => {
      sessions.set(fields.id, {
        id: fields.id,
        roomId: fields.roomId,
        title: 'Fake',
        state: fields.state ?? StreamState.STREAM_STATE_LIVE,
        viewerCount: '0',
      });
    },
    get calls() {
      return calls;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}

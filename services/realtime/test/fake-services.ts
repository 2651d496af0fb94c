/**
 * In-process fakes of the two services Realtime calls, at the network edge only: real gRPC
 * servers (started with the kit, like any Roomcast service) over in-memory state.
 */
import {
  encodePageToken,
  failedPrecondition,
  notFound,
  RoomcastError,
  startService,
  unary,
  type HandlerDeps,
} from '@roomcast/kit';
import {
  EventServiceService,
  SessionServiceService,
  Session,
  StreamState,
  type Event,
  type SessionServiceServer,
  type SignalUserPresenceRequest,
} from '@roomcast/proto';

const FAKE_CONFIG = { bindHost: '127.0.0.1', grpcPort: 0, metricsPort: 0, shutdownGraceMs: 500 };

/** A SessionService that knows a set of session ids and records presence signals. */
export interface FakeSessionService {
  address: string;
  sessions: Set<string>;
  presence: SignalUserPresenceRequest[];
  stop(): Promise<void>;
}

export async function startFakeSessionService(): Promise<FakeSessionService> {
  const sessions = new Set<string>();
  const presence: SignalUserPresenceRequest[] = [];
  const running = await startService({
    name: 'fake-session',
    readConfig: () => FAKE_CONFIG,
    start: async (runtime) => {
      runtime.server.addService(
        SessionServiceService,
        sessionHandlers(runtime, sessions, presence),
      );
    },
  });
  return { address: `127.0.0.1:${running.grpcPort}`, sessions, presence, stop: running.stop };
}

function sessionHandlers(
  deps: HandlerDeps,
  sessions: Set<string>,
  presence: SignalUserPresenceRequest[],
): SessionServiceServer {
  const notInFake = unary<unknown, never>(deps, 'NotInFake', async () => {
    throw failedPrecondition('NOT_IN_FAKE', 'the fake Session service does not do this');
  });
  const handlers: SessionServiceServer = {
    getSession: unary(deps, 'GetSession', async ({ sessionId }) => {
      if (!sessions.has(sessionId)) {
        throw notFound('SESSION_NOT_FOUND', `session ${sessionId} does not exist`);
      }
      return Session.fromPartial({
        id: sessionId,
        roomId: '1',
        state: StreamState.STREAM_STATE_LIVE,
      });
    }),
    signalUserPresence: unary(deps, 'SignalUserPresence', async (request) => {
      presence.push(request);
      return { viewerCount: '0' };
    }),
    startSession: notInFake,
    listSessions: notInFake,
    setStreamStatus: notInFake,
    endSession: notInFake,
    postChatMessage: notInFake,
    updateSessionAggregates: notInFake,
  };
  return handlers;
}

/** An EventService over in-memory lists, with a page cap and a delay to widen races. */
export interface FakeEventService {
  address: string;
  /** Stored events per session, ascending by sequence. */
  stored: Map<string, Event[]>;
  /** ListSessionEvents calls served so far. */
  calls: number;
  /** Delay of every call, to keep a backfill running while live events arrive. */
  delayMs: number;
  /** Largest page served (the real service allows 1000). */
  maxPageSize: number;
  /** Calls still to fail with UNAVAILABLE, as an overloaded Event service would. */
  failNext: number;
  stop(): Promise<void>;
}

export async function startFakeEventService(): Promise<FakeEventService> {
  const fake: FakeEventService = {
    address: '',
    stored: new Map(),
    calls: 0,
    delayMs: 0,
    maxPageSize: 1000,
    failNext: 0,
    stop: () => Promise.resolve(),
  };

  const running = await startService({
    name: 'fake-event',
    readConfig: () => FAKE_CONFIG,
    start: async (runtime) => {
      runtime.server.addService(EventServiceService, {
        listSessionEvents: unary(runtime, 'ListSessionEvents', async (request) => {
          fake.calls += 1;
          await new Promise((resolve) => setTimeout(resolve, fake.delayMs));
          if (fake.failNext > 0) {
            fake.failNext -= 1;
            throw new RoomcastError(
              'unavailable',
              'FAKE_OVERLOADED',
              'the fake Event service fails',
            );
          }
          const after = BigInt(request.afterSequence);
          const size = Math.min(request.pageSize || 100, fake.maxPageSize);
          const later = (fake.stored.get(request.sessionId) ?? []).filter(
            (event) => BigInt(event.sequence) > after,
          );
          const events = later.slice(0, size);
          const more = later.length > size;
          return { events, nextPageToken: more ? encodePageToken(events.at(-1)!.sequence) : '' };
        }),
      });
    },
  });
  fake.address = `127.0.0.1:${running.grpcPort}`;
  fake.stop = running.stop;
  return fake;
}

/**
 * The operator's view of the Session service: one call, the newest session of a room, which
 * says whether the room is live and how many viewers it has now.
 */
import { credentials } from '@grpc/grpc-js';
import { callUnary, isServiceError } from '@roomcast/kit';
import { SessionServiceClient, type Session } from '@roomcast/proto';

/** Options of {@link SessionApi}. */
export interface SessionApiOptions {
  /** host:port of the Session service. */
  address: string;
  /** Deadline of each call; default 3000 ms. */
  deadlineMs?: number;
}

/** A failed Session service call, naming what was attempted; the gRPC error is its cause. */
export class SessionApiError extends Error {
  constructor(attempted: string, cause: unknown) {
    const detail = isServiceError(cause) ? cause.details || cause.message : String(cause);
    super(`${attempted}: ${detail}`, { cause });
    this.name = 'SessionApiError';
  }
}

/** The Session service client the reconciler reads live sessions with. */
export class SessionApi {
  private readonly client: SessionServiceClient;
  private readonly deadlineMs: number;

  constructor(options: SessionApiOptions) {
    this.deadlineMs = options.deadlineMs ?? 3_000;
    this.client = new SessionServiceClient(options.address, credentials.createInsecure(), {
      // As for the Room service: a Session service that comes back is found within seconds,
      // not after grpc-js's default two-minute reconnect backoff.
      'grpc.initial_reconnect_backoff_ms': 250,
      'grpc.max_reconnect_backoff_ms': 2_000,
      'grpc.keepalive_time_ms': 30_000,
    });
  }

  /** The newest session of room `roomId`, ended or not; undefined when it never had one. */
  async newestSession(roomId: string): Promise<Session | undefined> {
    try {
      const response = await callUnary(
        this.client,
        this.client.listSessions,
        { roomId, pageSize: 1, pageToken: '' },
        { deadlineMs: this.deadlineMs },
      );
      return response.sessions[0];
    } catch (caught) {
      throw new SessionApiError(`listing the sessions of room ${roomId}`, caught);
    }
  }

  close(): void {
    this.client.close();
  }
}

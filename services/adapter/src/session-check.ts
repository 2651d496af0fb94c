import { status as GrpcStatus } from '@grpc/grpc-js';
import { asError, callUnary, isServiceError, type Logger } from '@roomcast/kit';
import { StreamState, type SessionServiceClient } from '@roomcast/proto';
import { WebhookRefusal } from './webhook-refusal.js';

/** Sessions remembered before the oldest is dropped; a few thousand live at once is plenty. */
const MAX_CACHED_SESSIONS = 10_000;

export interface SessionCheckOptions {
  client: SessionServiceClient;
  /** How long a looked-up session is reused before asking Session again; 0 always asks. */
  cacheMs: number;
  /** Deadline of each GetSession call. */
  deadlineMs: number;
  log: Logger;
  /** Injectable clock; default Date.now. */
  now?: () => number;
}

/** What a delivery claims: the session it belongs to and that session's room. */
export interface SessionClaim {
  sessionId: string;
  roomId: string;
}

interface KnownSession {
  roomId: string;
  ended: boolean;
  fetchedAt: number;
}

/**
 * Holds a delivery to what Session knows: the session must exist, belong to the claimed room,
 * and not have ended. Looks are cached for cacheMs because a platform sends many events per
 * session; an ended session is final, so it is remembered as ended for as long as it is kept.
 */
export class SessionCheck {
  private readonly known = new Map<string, KnownSession>();
  private readonly now: () => number;

  constructor(private readonly options: SessionCheckOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Throws a WebhookRefusal (404, 400, 409 or 503) unless the claim holds. */
  async check(claim: SessionClaim): Promise<void> {
    const session = await this.lookUp(claim.sessionId);
    if (session.roomId !== claim.roomId) {
      throw new WebhookRefusal(
        400,
        'WEBHOOK_ROOM_MISMATCH',
        `room_id ${claim.roomId} does not match session ${claim.sessionId}, which is in room ` +
          `${session.roomId}`,
      );
    }
    if (session.ended) {
      throw new WebhookRefusal(
        409,
        'WEBHOOK_SESSION_ENDED',
        `session ${claim.sessionId} has ended; it takes no more events`,
      );
    }
  }

  private async lookUp(sessionId: string): Promise<KnownSession> {
    const cached = this.known.get(sessionId);
    if (cached && (cached.ended || this.now() - cached.fetchedAt < this.options.cacheMs)) {
      return cached;
    }

    const session = await this.getSession(sessionId);
    const known = {
      roomId: session.roomId,
      ended: session.state === StreamState.STREAM_STATE_ENDED,
      fetchedAt: this.now(),
    };
    this.remember(sessionId, known);
    return known;
  }

  private async getSession(sessionId: string) {
    const { client, deadlineMs } = this.options;
    try {
      return await callUnary(client, client.getSession, { sessionId }, { deadlineMs });
    } catch (caught) {
      if (isServiceError(caught) && caught.code === GrpcStatus.NOT_FOUND) {
        throw new WebhookRefusal(
          404,
          'WEBHOOK_UNKNOWN_SESSION',
          `session_id ${sessionId} is not a Roomcast session`,
        );
      }
      this.options.log.error({ err: asError(caught), sessionId }, 'looking up a session failed');
      throw new WebhookRefusal(
        503,
        'SESSION_CHECK_FAILED',
        `session ${sessionId} could not be checked with the Session service; retry the delivery`,
      );
    }
  }

  private remember(sessionId: string, known: KnownSession): void {
    if (this.options.cacheMs <= 0 && !known.ended) return;
    this.known.delete(sessionId);
    this.known.set(sessionId, known);
    // Map iteration follows insertion order, so the first key is the least recently fetched.
    if (this.known.size > MAX_CACHED_SESSIONS) {
      this.known.delete(this.known.keys().next().value!);
    }
  }
}

import { randomBytes } from 'node:crypto';
import {
  asError,
  callUnary,
  connectClient,
  isServiceError,
  notFound,
  RoomcastError,
  type Logger,
} from '@roomcast/kit';
import { PresenceAction, SessionServiceClient } from '@roomcast/proto';

/** grpc.status.NOT_FOUND, as the Session service answers for an unknown session. */
const GRPC_NOT_FOUND = 5;

/**
 * Viewers without a user id get one from this reserved range (2^62 and up), which User ids
 * (assigned upward from 1) never reach. One per socket; a client can send it back as user_id
 * when it reconnects, to stay the same viewer.
 */
export const ANONYMOUS_USER_BASE = 1n << 62n;

export function anonymousUserId(): string {
  const random = randomBytes(8).readBigUInt64BE() & (ANONYMOUS_USER_BASE - 1n);
  return (ANONYMOUS_USER_BASE + random).toString();
}

/** One open socket as the Session service knows it. */
export interface Viewer {
  sessionId: string;
  userId: string;
  connectionId: string;
}

/**
 * Realtime's calls to the Session service: does a session exist, and presence. Presence
 * failures are logged and swallowed: a viewer's stream never depends on them. A LEAVE waits
 * for its JOIN, so the two never reach Session out of order.
 */
export class SessionGateway {
  private readonly client: SessionServiceClient;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    address: string,
    private readonly log: Logger,
  ) {
    this.client = connectClient(SessionServiceClient, address);
  }

  /** Throws SESSION_NOT_FOUND when the session does not exist, UNAVAILABLE when unsure. */
  async requireSession(sessionId: string): Promise<void> {
    try {
      await callUnary(this.client, this.client.getSession, { sessionId });
    } catch (caught) {
      if (isServiceError(caught) && caught.code === GRPC_NOT_FOUND) {
        throw notFound('SESSION_NOT_FOUND', `session ${sessionId} does not exist`);
      }
      throw new RoomcastError(
        'unavailable',
        'SESSION_SERVICE_UNAVAILABLE',
        `could not check session ${sessionId}; try again`,
        { cause: caught },
      );
    }
  }

  /** Signals JOIN; the returned handle signals the matching LEAVE once. */
  join(viewer: Viewer): { leave(): Promise<void> } {
    const joined = this.track(this.signal(viewer, PresenceAction.PRESENCE_ACTION_JOIN));
    let left: Promise<void> | undefined;
    return {
      leave: () => {
        left ??= this.track(
          joined.then(() => this.signal(viewer, PresenceAction.PRESENCE_ACTION_LEAVE)),
        );
        return left;
      },
    };
  }

  /** Resolves once every presence call started so far has finished. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  close(): void {
    this.client.close();
  }

  private async signal(viewer: Viewer, action: PresenceAction): Promise<void> {
    try {
      await callUnary(this.client, this.client.signalUserPresence, { ...viewer, action });
    } catch (caught) {
      this.log.error({ err: asError(caught), ...viewer, action }, 'presence signal failed');
    }
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return work;
  }
}

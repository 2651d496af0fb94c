import { failedPrecondition, type Redis } from '@roomcast/kit';

/** How long the "ended" marker of a session stays, refusing late joins; one day. */
const ENDED_MARKER_TTL_SECONDS = 86_400;

/**
 * JOIN: refused (-1) once the session ended; a connection already known changes nothing (0);
 * otherwise the connection is recorded and its user's count goes up (1). Returns the change
 * and the distinct users connected after it.
 */
const JOIN_SCRIPT = `
if redis.call('EXISTS', KEYS[3]) == 1 then return {-1, 0} end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return {0, redis.call('HLEN', KEYS[2])}
end
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
return {1, redis.call('HLEN', KEYS[2])}
`;

/**
 * LEAVE: an unknown connection changes nothing (0); otherwise the connection goes and its
 * user's count goes down, the user with it at zero (1). Returns the change, the distinct users
 * connected after it and the user the connection belonged to.
 */
const LEAVE_SCRIPT = `
local user = redis.call('HGET', KEYS[1], ARGV[1])
if not user then return {0, redis.call('HLEN', KEYS[2]), ''} end
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('HINCRBY', KEYS[2], user, -1) <= 0 then redis.call('HDEL', KEYS[2], user) end
return {1, redis.call('HLEN', KEYS[2]), user}
`;

interface PresenceCommands {
  roomcastPresenceJoin(...args: string[]): Promise<[number, number]>;
  roomcastPresenceLeave(...args: string[]): Promise<[number, number, string]>;
}

export interface PresenceChange {
  /** False when the signal repeated what the ledger already knew. */
  changed: boolean;
  /** Distinct users connected after the change, as a 64-bit decimal string. */
  viewerCount: string;
}

export interface Connection {
  sessionId: string;
  userId: string;
  connectionId: string;
}

/**
 * Who watches which session, in Redis so a restarted Session service keeps the counts. Per
 * session: a hash connection id -> user id, a hash user id -> open connections, and an "ended"
 * marker. Each change runs as one Lua script, so concurrent signals never lose an update.
 */
export class PresenceLedger {
  private readonly commands: PresenceCommands;

  constructor(private readonly redis: Redis) {
    redis.defineCommand('roomcastPresenceJoin', { numberOfKeys: 3, lua: JOIN_SCRIPT });
    redis.defineCommand('roomcastPresenceLeave', { numberOfKeys: 2, lua: LEAVE_SCRIPT });
    this.commands = redis as unknown as PresenceCommands;
  }

  async join(connection: Connection): Promise<PresenceChange> {
    const keys = presenceKeys(connection.sessionId);
    const [outcome, count] = await this.commands.roomcastPresenceJoin(
      keys.connections,
      keys.users,
      keys.ended,
      connection.connectionId,
      connection.userId,
    );
    if (outcome === -1) {
      throw failedPrecondition('SESSION_ENDED', `session ${connection.sessionId} has ended`);
    }
    return { changed: outcome === 1, viewerCount: String(count) };
  }

  /** Also returns the user the connection was recorded under (empty when unknown). */
  async leave(connection: Connection): Promise<PresenceChange & { userId: string }> {
    const keys = presenceKeys(connection.sessionId);
    const [outcome, count, userId] = await this.commands.roomcastPresenceLeave(
      keys.connections,
      keys.users,
      connection.connectionId,
    );
    return { changed: outcome === 1, viewerCount: String(count), userId };
  }

  async viewerCount(sessionId: string): Promise<string> {
    return String(await this.redis.hlen(presenceKeys(sessionId).users));
  }

  /** Viewer counts of many sessions in one round trip, in the order asked. */
  async viewerCounts(sessionIds: string[]): Promise<string[]> {
    if (sessionIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of sessionIds) pipeline.hlen(presenceKeys(id).users);

    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, count]) => {
      if (error) throw new Error('reading viewer counts from Redis failed', { cause: error });
      return String(count);
    });
  }

  /** Forgets an ended session's viewers and refuses its later joins, in one transaction. */
  async close(sessionId: string): Promise<void> {
    const keys = presenceKeys(sessionId);
    await this.redis
      .multi()
      .set(keys.ended, '1', 'EX', ENDED_MARKER_TTL_SECONDS)
      .del(keys.connections, keys.users)
      .exec();
  }
}

/** The hash tag {<id>} keeps one session's keys in one Redis Cluster slot, as Lua needs. */
export function presenceKeys(sessionId: string) {
  const base = `roomcast:session:{${sessionId}}`;
  return {
    connections: `${base}:connections`,
    users: `${base}:viewers`,
    ended: `${base}:ended`,
  };
}

import {
  alreadyExists,
  isUniqueViolation,
  notFound,
  withTransaction,
  type Pool,
  type PoolClient,
} from '@roomcast/kit';
import { SessionAggregates, StreamState, type Session } from '@roomcast/proto';
import { requireNotEnded } from './session-rules.js';

interface SessionRow {
  id: string;
  room_id: string;
  title: string;
  state: string;
  start_time: Date;
  end_time: Date | null;
  aggregates: unknown;
}

/** A stored session; the live viewer count is Redis's business, not this table's. */
export type StoredSession = Omit<Session, 'viewerCount'>;

/**
 * Runs inside the transaction that changes a session, before it commits: a throw rolls the
 * change back. Publishing the change's event here means a change is kept only once its event
 * is durable, and the row lock keeps one session's events in the order of its changes.
 */
export type BeforeCommit = (session: StoredSession) => Promise<void>;

export interface SessionQuery {
  /** Only this room's sessions; undefined for every room. */
  roomId?: string | undefined;
  /** Sessions with an id below this one, for the next page; undefined for the first. */
  beforeId?: string | undefined;
  limit: number;
}

/** Sessions in PostgreSQL. States are stored by their enum name. */
export class SessionStore {
  constructor(private readonly pool: Pool) {}

  /** Inserts a LIVE session; the partial unique index refuses a second open one per room. */
  async start(
    fields: { roomId: string; title: string },
    beforeCommit: BeforeCommit,
  ): Promise<StoredSession> {
    try {
      return await withTransaction(this.pool, async (client) => {
        const result = await client.query<SessionRow>(
          `insert into sessions (room_id, title, state) values ($1, $2, $3) returning *`,
          [fields.roomId, fields.title, StreamState.STREAM_STATE_LIVE],
        );
        const session = toSession(result.rows[0]!);
        await beforeCommit(session);
        return session;
      });
    } catch (caught) {
      if (!isUniqueViolation(caught)) throw caught;
      throw alreadyExists(
        'SESSION_ALREADY_LIVE',
        `room ${fields.roomId} already has a session that has not ended`,
      );
    }
  }

  async get(id: string): Promise<StoredSession> {
    const result = await this.pool.query<SessionRow>('select * from sessions where id = $1', [id]);
    const row = result.rows[0];
    if (!row) throw sessionNotFound(id);
    return toSession(row);
  }

  /** Newest first; ask for one more than a page to learn whether another follows. */
  async list(query: SessionQuery): Promise<StoredSession[]> {
    const result = await this.pool.query<SessionRow>(
      `select * from sessions
         where ($1::bigint is null or room_id = $1) and ($2::bigint is null or id < $2)
         order by id desc limit $3`,
      [query.roomId ?? null, query.beforeId ?? null, query.limit],
    );
    return result.rows.map(toSession);
  }

  /**
   * Moves a session that has not ended to `state` under a row lock. Moving to the state it is
   * already in changes nothing and runs no beforeCommit: only real changes make events.
   */
  async transition(
    id: string,
    state: StreamState,
    beforeCommit: BeforeCommit,
  ): Promise<{ session: StoredSession; changed: boolean }> {
    return withTransaction(this.pool, async (client) => {
      const current = await this.lockedGet(client, id);
      requireNotEnded(current);
      if (current.state === state) return { session: current, changed: false };

      const result = await client.query<SessionRow>(
        `update sessions set state = $2, update_time = now(),
           end_time = case when $2 = '${StreamState.STREAM_STATE_ENDED}' then now() end
           where id = $1 returning *`,
        [id, state],
      );
      const session = toSession(result.rows[0]!);
      await beforeCommit(session);
      return { session, changed: true };
    });
  }

  /**
   * Runs work for a session that has not ended while holding a share lock on its row. Ending
   * takes the row for update, so it waits until the work is done: nothing the work publishes
   * can land after the session's ENDED event.
   */
  async whileNotEnded<T>(id: string, work: (session: StoredSession) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, async (client) => {
      const result = await client.query<SessionRow>(
        'select * from sessions where id = $1 for share',
        [id],
      );
      const row = result.rows[0];
      if (!row) throw sessionNotFound(id);
      const session = toSession(row);
      requireNotEnded(session);
      return work(session);
    });
  }

  /**
   * Stores the analytics Aggregation computed. An update older than the stored one (a lower
   * last_sequence, from a delayed or retried call) is ignored so numbers never go backwards.
   */
  async setAggregates(id: string, aggregates: SessionAggregates): Promise<StoredSession> {
    const result = await this.pool.query<SessionRow>(
      `update sessions set aggregates = $2, update_time = now()
         where id = $1
           and coalesce((aggregates->>'lastSequence')::numeric, -1) <= $3::numeric
         returning *`,
      [id, SessionAggregates.toJSON(aggregates), aggregates.lastSequence || '0'],
    );
    const row = result.rows[0];
    return row ? toSession(row) : this.get(id);
  }

  private async lockedGet(client: PoolClient, id: string): Promise<StoredSession> {
    const result = await client.query<SessionRow>(
      'select * from sessions where id = $1 for update',
      [id],
    );
    const row = result.rows[0];
    if (!row) throw sessionNotFound(id);
    return toSession(row);
  }
}

function sessionNotFound(id: string) {
  return notFound('SESSION_NOT_FOUND', `session ${id} does not exist`);
}

function toSession(row: SessionRow): StoredSession {
  return {
    id: row.id,
    roomId: row.room_id,
    title: row.title,
    state: row.state as StreamState,
    startTime: row.start_time,
    endTime: row.end_time ?? undefined,
    aggregates: row.aggregates ? SessionAggregates.fromJSON(row.aggregates) : undefined,
  };
}

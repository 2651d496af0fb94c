import { withTransaction, type Pool, type PoolClient } from '@roomcast/kit';
import { emptyState, summarize, type AggregateSummary, type FoldState } from './fold-events.js';

interface SessionRow {
  session_id: string;
  last_sequence: string;
  message_count: string;
  peak_viewers: string;
  unique_chatters: string;
  unique_viewers: string;
  live_since: Date | null;
  last_event_time: Date | null;
  end_time: Date | null;
  final: boolean;
  update_time: Date;
  pushed_sequence: string;
}

/** A session's numbers as stored, with what was last pushed to Session. */
export interface StoredAggregate {
  summary: AggregateSummary;
  updateTime: Date;
  pushedSequence: bigint;
}

/** Sessions untouched this long are no longer swept: their producer is gone. */
const SWEEP_HORIZON_MS = 24 * 3_600_000;

const STATE_COLUMNS = `last_sequence, message_count, peak_viewers, unique_chatters,
  unique_viewers, live_since, last_event_time, end_time, final`;

/**
 * Fold states in PostgreSQL. A fold's numbers, its new distinct ids and last_sequence are
 * written in one transaction, so a restart continues exactly where the last fold ended.
 */
export class AggregateStore {
  constructor(private readonly pool: Pool) {}

  async get(sessionId: string): Promise<StoredAggregate | undefined> {
    const result = await this.pool.query<SessionRow>(
      'select * from aggregation_sessions where session_id = $1',
      [sessionId],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    return {
      summary: toSummary(row),
      updateTime: row.update_time,
      pushedSequence: BigInt(row.pushed_sequence),
    };
  }

  /** The full fold state, id sets included; undefined for a session never folded. */
  async load(sessionId: string): Promise<{ state: FoldState; pushedSequence: bigint } | undefined> {
    const stored = await this.get(sessionId);
    if (!stored) return undefined;

    const [chatters, viewers] = await Promise.all(
      ['aggregation_chatters', 'aggregation_viewers'].map((table) =>
        this.pool.query<{ user_id: string }>(`select user_id from ${table} where session_id = $1`, [
          sessionId,
        ]),
      ),
    );
    const { summary } = stored;
    const state: FoldState = {
      ...emptyState(sessionId),
      lastSequence: summary.lastSequence,
      messageCount: summary.messageCount,
      peakViewers: summary.peakViewers,
      liveSince: summary.liveSince,
      lastEventTime: summary.lastEventTime,
      endTime: summary.endTime,
      final: summary.final,
      chatters: new Set(chatters!.rows.map((row) => row.user_id)),
      viewers: new Set(viewers!.rows.map((row) => row.user_id)),
    };
    return { state, pushedSequence: stored.pushedSequence };
  }

  /**
   * Saves a fold that started from `from` (undefined for a session seen the first time).
   * Returns false, writing nothing, when another writer moved the session on meanwhile.
   */
  async saveFold(from: FoldState | undefined, to: FoldState): Promise<boolean> {
    return withTransaction(this.pool, async (client) => {
      const written = from
        ? await client.query(
            `update aggregation_sessions set (${STATE_COLUMNS}, update_time) =
               ($2, $3, $4, $5, $6, $7, $8, $9, $10, now())
             where session_id = $1 and last_sequence = $11`,
            [...stateParams(to), from.lastSequence.toString()],
          )
        : await client.query(
            `insert into aggregation_sessions (session_id, ${STATE_COLUMNS}, update_time)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
             on conflict (session_id) do nothing`,
            stateParams(to),
          );
      if (written.rowCount !== 1) return false;

      await addIds(client, 'aggregation_chatters', to, added(from?.chatters, to.chatters));
      await addIds(client, 'aggregation_viewers', to, added(from?.viewers, to.viewers));
      return true;
    });
  }

  /** Replaces a session's state whatever it was (a recompute). */
  async replace(state: FoldState): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      await client.query(
        `insert into aggregation_sessions (session_id, ${STATE_COLUMNS}, update_time)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
         on conflict (session_id) do update set (${STATE_COLUMNS}, update_time) =
           ($2, $3, $4, $5, $6, $7, $8, $9, $10, now())`,
        stateParams(state),
      );
      for (const table of ['aggregation_chatters', 'aggregation_viewers']) {
        await client.query(`delete from ${table} where session_id = $1`, [state.sessionId]);
      }
      await addIds(client, 'aggregation_chatters', state, [...state.chatters]);
      await addIds(client, 'aggregation_viewers', state, [...state.viewers]);
    });
  }

  /** Records that Session has the numbers up to sequence. */
  async markPushed(sessionId: string, sequence: bigint): Promise<void> {
    await this.pool.query(
      `update aggregation_sessions set pushed_sequence = greatest(pushed_sequence, $2)
       where session_id = $1`,
      [sessionId, sequence.toString()],
    );
  }

  /**
   * Sessions to fold again without a trigger: still open and quiet since `quietSince`, or with
   * numbers Session has not received yet. Only sessions active within the last day.
   */
  async sessionsToSweep(quietSince: Date, limit: number): Promise<string[]> {
    const result = await this.pool.query<{ session_id: string }>(
      `select session_id from aggregation_sessions
       where update_time > $2
         and ((not final and update_time < $1) or pushed_sequence < last_sequence)
       order by update_time limit $3`,
      [quietSince, new Date(Date.now() - SWEEP_HORIZON_MS), limit],
    );
    return result.rows.map((row) => row.session_id);
  }
}

function stateParams(state: FoldState): unknown[] {
  const summary = summarize(state);
  return [
    state.sessionId,
    summary.lastSequence.toString(),
    summary.messageCount.toString(),
    summary.peakViewers.toString(),
    summary.uniqueChatters.toString(),
    summary.uniqueViewers.toString(),
    summary.liveSince ?? null,
    summary.lastEventTime ?? null,
    summary.endTime ?? null,
    summary.final,
  ];
}

function added(before: Set<string> | undefined, after: Set<string>): string[] {
  return before ? [...after].filter((id) => !before.has(id)) : [...after];
}

async function addIds(client: PoolClient, table: string, state: FoldState, ids: string[]) {
  if (ids.length === 0) return;
  await client.query(
    `insert into ${table} (session_id, user_id) select $1, unnest($2::bigint[])
     on conflict do nothing`,
    [state.sessionId, ids],
  );
}

function toSummary(row: SessionRow): AggregateSummary {
  return {
    sessionId: row.session_id,
    lastSequence: BigInt(row.last_sequence),
    messageCount: BigInt(row.message_count),
    peakViewers: BigInt(row.peak_viewers),
    uniqueChatters: BigInt(row.unique_chatters),
    uniqueViewers: BigInt(row.unique_viewers),
    liveSince: row.live_since ?? undefined,
    lastEventTime: row.last_event_time ?? undefined,
    endTime: row.end_time ?? undefined,
    final: row.final,
  };
}

import type { Pool } from '@roomcast/kit';
import { Event, type EventType } from '@roomcast/proto';

export interface HistoryQuery {
  sessionId: string;
  /** Only sequences above this one. */
  afterSequence: string;
  /** Only these types; empty means all. */
  types: EventType[];
  limit: number;
}

/** A session's stored events, read back exactly as they were stored. */
export class EventHistory {
  constructor(private readonly pool: Pool) {}

  /** Events by ascending sequence. A session never seen simply has none. */
  async list(query: HistoryQuery): Promise<Event[]> {
    const result = await this.pool.query<{ envelope: unknown }>(
      `select envelope from events
       where session_id = $1 and sequence > $2 and (cardinality($3::text[]) = 0 or type = any($3))
       order by sequence
       limit $4`,
      [query.sessionId, query.afterSequence, query.types, query.limit],
    );
    return result.rows.map((row) => Event.fromJSON(row.envelope));
  }
}

import { RAW_STREAM, withTransaction, type Pool, type PoolClient } from '@roomcast/kit';

/**
 * The committed position in the raw stream: every message up to it is stored (or was skipped
 * as malformed). It lives in PostgreSQL beside the events and moves in their transaction.
 */

/** Locks the position row for this transaction and returns the position. */
export async function lockPosition(client: PoolClient): Promise<number> {
  const result = await client.query<{ position: string }>(
    'select position from event_ingest_position where stream = $1 for update',
    [RAW_STREAM],
  );
  return Number(result.rows[0]!.position);
}

export async function advancePosition(client: PoolClient, position: number): Promise<void> {
  await client.query('update event_ingest_position set position = $2 where stream = $1', [
    RAW_STREAM,
    position,
  ]);
}

/** The committed position, without locking. */
export async function readPosition(pool: Pool): Promise<number> {
  const result = await pool.query<{ position: string }>(
    'select position from event_ingest_position where stream = $1',
    [RAW_STREAM],
  );
  return Number(result.rows[0]!.position);
}

/**
 * Moves the position past messages the stream no longer has (aged out or deleted), never
 * backwards. Returns true when it moved.
 */
export async function skipMissing(pool: Pool, from: number, to: number): Promise<boolean> {
  const result = await pool.query(
    'update event_ingest_position set position = $3 where stream = $1 and position = $2',
    [RAW_STREAM, from, to],
  );
  return result.rowCount === 1;
}

/**
 * Ties the position to the stream's creation time. When the raw stream was recreated its
 * sequences restart at 1, so a position from the old stream would skip everything: start over
 * from 0 instead (event ids keep anything read twice from being stored twice). Returns the
 * abandoned position when that happened.
 */
export async function adoptStream(pool: Pool, created: Date): Promise<number | undefined> {
  return withTransaction(pool, async (client) => {
    const result = await client.query<{ position: string; stream_created: Date | null }>(
      'select position, stream_created from event_ingest_position where stream = $1 for update',
      [RAW_STREAM],
    );
    const row = result.rows[0]!;
    if (row.stream_created?.getTime() === created.getTime()) return undefined;

    await client.query(
      'update event_ingest_position set position = 0, stream_created = $2 where stream = $1',
      [RAW_STREAM, created],
    );
    return row.stream_created === null ? undefined : Number(row.position);
  });
}

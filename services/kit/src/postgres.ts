import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/** A connection pool; bigint columns come back as strings so 64-bit ids never lose digits. */
export function createPool(url: string, options: { max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Applies a service's migrations in order, once each, recorded in roomcast_migrations under the
 * service's name. An advisory lock makes concurrent replicas take turns.
 */
export async function migrate(pool: pg.Pool, service: string, steps: string[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [`migrate:${service}`]);
    await client.query(`create table if not exists roomcast_migrations (
      service text not null, step int not null, applied_at timestamptz not null default now(),
      primary key (service, step))`);

    const done = await client.query<{ step: number }>(
      'select step from roomcast_migrations where service = $1',
      [service],
    );
    const applied = new Set(done.rows.map((row) => row.step));
    for (const [index, sql] of steps.entries()) {
      if (applied.has(index)) continue;
      await inTransaction(client, async () => {
        await client.query(sql);
        await client.query('insert into roomcast_migrations (service, step) values ($1, $2)', [
          service,
          index,
        ]);
      });
    }
  } catch (caught) {
    throw new Error(`migrating the ${service} schema failed`, { cause: caught });
  } finally {
    await client.query('select pg_advisory_unlock(hashtext($1))', [`migrate:${service}`]);
    client.release();
  }
}

/** Runs work in a transaction on a client, rolling back on any throw. */
export async function inTransaction<T>(client: pg.PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    const result = await work();
    await client.query('commit');
    return result;
  } catch (caught) {
    await client.query('rollback').catch(() => undefined);
    throw caught;
  }
}

/** Checks a client out of the pool for a transaction and gives it back. */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    return await inTransaction(client, () => work(client));
  } finally {
    client.release();
  }
}

/** True when a query failed on a unique constraint. */
export function isUniqueViolation(caught: unknown): boolean {
  return (caught as { code?: string } | null)?.code === '23505';
}

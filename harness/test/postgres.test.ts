import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPostgres } from '../src/index.js';

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('postgres', { timeout: 60_000 }, () => {
  it('answers select 1 over TCP as the roomcast superuser, in database roomcast', async () => {
    const postgres = await startPostgres();
    try {
      expect(postgres.url).toMatch(/^postgres:\/\/roomcast:roomcast@127\.0\.0\.1:\d+\/roomcast$/);
      const rows = await query<{ one: number; db: string; su: boolean }>(
        postgres.url,
        "select 1 as one, current_database() as db, current_setting('is_superuser') = 'on' as su",
      );
      expect(rows).toEqual([{ one: 1, db: 'roomcast', su: true }]);
    } finally {
      await postgres.stop();
    }
  });

  it('keeps a row across stop and start in a persistent data dir', async () => {
    const root = await mkdtemp(join(tmpdir(), 'roomcast-pg-test-'));
    // Under root the server runs as the postgres account, which must be able to enter root.
    await chmod(root, 0o755);
    const dataDir = join(root, 'pgdata');
    try {
      const first = await startPostgres({ dataDir });
      await query(first.url, 'create table rooms (name text primary key)');
      await query(first.url, "insert into rooms values ('lobby')");
      await first.stop();

      const second = await startPostgres({ dataDir });
      try {
        expect(await query(second.url, 'select name from rooms')).toEqual([{ name: 'lobby' }]);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('removes a temporary data dir on stop', async () => {
    const postgres = await startPostgres();
    await postgres.stop();

    await expect(query(postgres.url, 'select 1')).rejects.toThrow();
    await expect(stat(postgres.dataDir)).rejects.toThrow(/ENOENT/);
  });
});

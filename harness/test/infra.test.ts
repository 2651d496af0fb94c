import { Redis } from 'ioredis';
import { connect } from 'nats';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startInfra } from '../src/index.js';

describe('infra', { timeout: 60_000 }, () => {
  it('starts PostgreSQL, NATS and Redis together and stops them all', async () => {
    const infra = await startInfra();
    try {
      const client = new pg.Client({ connectionString: infra.postgres.url });
      await client.connect();
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      await client.end();

      const nc = await connect({ servers: infra.nats.url });
      expect(nc.info?.jetstream).toBe(true);
      await nc.close();

      const redis = new Redis(infra.redis.url);
      expect(await redis.ping()).toBe('PONG');
      redis.disconnect();
    } finally {
      await infra.stop();
    }

    await expect(connect({ servers: infra.nats.url, reconnect: false })).rejects.toThrow();
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startRedis } from '../src/index.js';

async function withClient<T>(url: string, work: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}

describe('redis', { timeout: 30_000 }, () => {
  it('sets and gets a value', async () => {
    const redis = await startRedis();
    try {
      const value = await withClient(redis.url, async (client) => {
        await client.set('presence:session-1', '3');
        return client.get('presence:session-1');
      });
      expect(value).toBe('3');
    } finally {
      await redis.stop();
    }
  });

  it('keeps keys across stop and start in a persistent data dir', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'roomcast-redis-test-'));
    try {
      const first = await startRedis({ dataDir });
      await withClient(first.url, (client) => client.set('kept', 'yes'));
      await first.stop();

      const second = await startRedis({ dataDir });
      try {
        expect(await withClient(second.url, (client) => client.get('kept'))).toBe('yes');
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('forgets everything between runs without a data dir', async () => {
    const first = await startRedis();
    await withClient(first.url, (client) => client.set('gone', 'soon'));
    await first.stop();

    const second = await startRedis({ port: first.port });
    try {
      expect(await withClient(second.url, (client) => client.get('gone'))).toBeNull();
    } finally {
      await second.stop();
    }
  });
});

import { Redis } from 'ioredis';

export type { Redis };

/** A Redis client that keeps retrying with a capped backoff instead of giving up. */
export function createRedis(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 3,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
  });
}

/**
 * Realtime's live connection counts, as its pods report them in Redis: the hash
 * `realtime:connections` maps pod name to its open sockets, and each pod keeps a heartbeat key
 * `realtime:instance:<pod>` alive with a short TTL. A count whose heartbeat expired belongs to
 * a pod that died without cleaning up and is ignored.
 */
import type { Redis } from '@roomcast/kit';

export interface ConnectionCounts {
  /** Sum over live pods. */
  total: number;
  /** Live pods and their counts. */
  perPod: Record<string, number>;
  /** Pods in the hash whose heartbeat is gone. */
  stale: string[];
}

export interface ConnectionCountsOptions {
  connectionsKey: string;
  heartbeatPrefix: string;
}

/** Reads the counts in two round trips: the hash, then every heartbeat at once. */
export async function readConnectionCounts(
  redis: Redis,
  options: ConnectionCountsOptions,
): Promise<ConnectionCounts> {
  const counts = await redis.hgetall(options.connectionsKey);
  const pods = Object.keys(counts).sort();
  if (pods.length === 0) return { total: 0, perPod: {}, stale: [] };

  const pipeline = redis.pipeline();
  for (const pod of pods) pipeline.exists(`${options.heartbeatPrefix}${pod}`);
  const alive = (await pipeline.exec()) ?? [];

  const result: ConnectionCounts = { total: 0, perPod: {}, stale: [] };
  pods.forEach((pod, index) => {
    const [error, exists] = alive[index] ?? [new Error('no reply'), 0];
    if (error) throw error;
    if (exists !== 1) {
      result.stale.push(pod);
      return;
    }
    const count = Math.max(0, Number.parseInt(counts[pod] ?? '0', 10) || 0);
    result.perPod[pod] = count;
    result.total += count;
  });
  return result;
}

import { asError, type Logger, type Redis } from '@roomcast/kit';

/**
 * Remembers delivery ids in Redis for a while, so a replayed delivery is answered without being
 * published again. It is an optimisation, not the guarantee: the deterministic event id makes
 * the Event service store a delivery once either way, so when Redis fails the check is skipped.
 */
export class ReplayGuard {
  constructor(private readonly options: { redis: Redis; ttlS: number; log: Logger }) {}

  /** True when this delivery was already published (within the TTL). */
  async seen(platform: string, deliveryId: string): Promise<boolean> {
    try {
      return (await this.options.redis.exists(key(platform, deliveryId))) === 1;
    } catch (caught) {
      this.options.log.error({ err: asError(caught) }, 'replay check failed; publishing anyway');
      return false;
    }
  }

  /** Records a published delivery; the first record wins (SET NX), and expires after the TTL. */
  async remember(platform: string, deliveryId: string): Promise<void> {
    try {
      await this.options.redis.set(key(platform, deliveryId), '1', 'EX', this.options.ttlS, 'NX');
    } catch (caught) {
      this.options.log.error({ err: asError(caught) }, 'could not record a delivery id');
    }
  }
}

function key(platform: string, deliveryId: string): string {
  return `adapter:delivery:${platform}:${deliveryId}`;
}

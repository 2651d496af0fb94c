import { RoomcastError, type Redis } from '@roomcast/kit';

/**
 * Slow mode: at most one message per user per session every N seconds. A Redis key with a
 * TTL marks the user's last accepted message; SET NX decides atomically across replicas.
 */
export class SlowMode {
  constructor(private readonly redis: Redis) {}

  /**
   * Takes the user's turn or throws RESOURCE_EXHAUSTED SLOW_MODE naming the seconds to wait.
   * A slowModeSeconds of 0 lets every message through.
   */
  async take(options: { sessionId: string; userId: string; slowModeSeconds: number }) {
    if (options.slowModeSeconds <= 0) return;
    const key = slowModeKey(options.sessionId, options.userId);

    const taken = await this.redis.set(key, '1', 'PX', options.slowModeSeconds * 1_000, 'NX');
    if (taken === 'OK') return;

    const remainingMs = await this.redis.pttl(key);
    const waitSeconds = Math.max(1, Math.ceil(remainingMs / 1_000));
    throw new RoomcastError(
      'exhausted',
      'SLOW_MODE',
      `slow mode is on in this room: wait ${waitSeconds} seconds before posting again`,
      { metadata: { retry_after_seconds: String(waitSeconds) } },
    );
  }

  /** Gives the turn back when the message was not accepted after all. */
  async release(options: { sessionId: string; userId: string }): Promise<void> {
    await this.redis.del(slowModeKey(options.sessionId, options.userId));
  }
}

function slowModeKey(sessionId: string, userId: string): string {
  return `roomcast:session:{${sessionId}}:slow:${userId}`;
}

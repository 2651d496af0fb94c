import {
  asError,
  registerGauge,
  type Logger,
  type Redis,
  type ServiceMetrics,
} from '@roomcast/kit';

/** Redis hash of live connections: field = instance id, value = its count. */
export const CONNECTIONS_HASH = 'realtime:connections';

/** Redis key that exists while an instance is alive; its TTL lapses when the instance dies. */
export const heartbeatKey = (instanceId: string) => `realtime:instance:${instanceId}`;

/** An open socket or stream, as drain sees it. */
export interface OpenConnection {
  /** Closes it telling the client to reconnect elsewhere; resolves once it is closed. */
  drain(): Promise<void>;
}

export interface ConnectionLedgerOptions {
  redis: Redis;
  metrics: ServiceMetrics;
  log: Logger;
  instanceId: string;
  /** How often the count and heartbeat are rewritten; the heartbeat lives three times longer. */
  heartbeatIntervalMs: number;
}

/**
 * The open connections of this instance. Their count is a gauge on /metrics and a field of
 * realtime:connections in Redis, next to a heartbeat key with a TTL, so the operator can sum
 * the counts of live instances and ignore those of dead ones.
 */
export class ConnectionLedger {
  private readonly open = new Set<OpenConnection>();
  private readonly gauge;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private dirty = false;
  private stopped = false;

  constructor(private readonly options: ConnectionLedgerOptions) {
    this.gauge = registerGauge(options.metrics, {
      name: 'roomcast_realtime_connections',
      help: 'Open WebSockets and event streams on this instance.',
    });
    this.gauge.set(0);
  }

  get count(): number {
    return this.open.size;
  }

  /** Starts the heartbeat; the first write happens at once. */
  start(): void {
    this.timer = setInterval(() => this.publish(), this.options.heartbeatIntervalMs);
    this.timer.unref();
    this.publish();
  }

  /** Counts a connection in; the returned function counts it out (once). */
  add(connection: OpenConnection): () => void {
    this.open.add(connection);
    this.changed();
    return () => {
      if (this.open.delete(connection)) this.changed();
    };
  }

  /** Drains every open connection at once. */
  async drainAll(): Promise<void> {
    await Promise.all([...this.open].map((connection) => connection.drain()));
  }

  /** Stops the heartbeat and removes this instance from Redis. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.writing;
    const { redis, instanceId, log } = this.options;
    try {
      await redis.multi().hdel(CONNECTIONS_HASH, instanceId).del(heartbeatKey(instanceId)).exec();
    } catch (caught) {
      log.error({ err: asError(caught) }, 'could not remove connection count from redis');
    }
  }

  private changed(): void {
    this.gauge.set(this.open.size);
    this.publish();
  }

  /** Writes the count; changes during a write are coalesced into one more write. */
  private publish(): void {
    if (this.stopped) return;
    if (this.writing) {
      this.dirty = true;
      return;
    }
    this.writing = this.write().finally(() => {
      this.writing = undefined;
      if (this.dirty) {
        this.dirty = false;
        this.publish();
      }
    });
  }

  private async write(): Promise<void> {
    const { redis, instanceId, heartbeatIntervalMs, log } = this.options;
    const count = this.open.size;
    try {
      await redis
        .multi()
        .hset(CONNECTIONS_HASH, instanceId, count)
        .set(heartbeatKey(instanceId), count, 'PX', 3 * heartbeatIntervalMs)
        .exec();
    } catch (caught) {
      log.error({ err: asError(caught), count }, 'could not write connection count to redis');
    }
  }
}

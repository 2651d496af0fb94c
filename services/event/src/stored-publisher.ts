import { encodeEvent, storedSubject, type Pool } from '@roomcast/kit';
import { Event } from '@roomcast/proto';
import type { JetStreamClient } from 'nats';

/** How many unpublished events the outbox reads at a time. */
const OUTBOX_PAGE = 500;

/**
 * Publishes stored events to events.stored.<type> on JetStream and marks them published. The
 * message id `stored:<event_id>` lets JetStream drop a second copy inside its duplicate window,
 * so publishing again after a crash is harmless.
 */
export class StoredPublisher {
  constructor(
    private readonly js: JetStreamClient,
    private readonly pool: Pool,
  ) {}

  /** Publishes in the given order (one connection keeps it) and then marks them published. */
  async publish(events: Event[]): Promise<void> {
    if (events.length === 0) return;
    await Promise.all(
      events.map((event) =>
        this.js.publish(storedSubject(event.type), encodeEvent(event), {
          msgID: `stored:${event.eventId}`,
        }),
      ),
    );
    await this.pool.query('update events set published = true where event_id = any($1::text[])', [
      events.map((event) => event.eventId),
    ]);
  }

  /**
   * The outbox: publishes every stored-but-unpublished event in acceptance order, so a crash
   * between commit and publish loses nothing. Returns how many it published.
   */
  async drainOutbox(): Promise<number> {
    let total = 0;
    for (;;) {
      const result = await this.pool.query<{ envelope: unknown }>(
        'select envelope from events where not published order by stream_seq limit $1',
        [OUTBOX_PAGE],
      );
      if (result.rows.length === 0) return total;

      await this.publish(result.rows.map((row) => Event.fromJSON(row.envelope)));
      total += result.rows.length;
    }
  }
}

import { callUnary } from '@roomcast/kit';
import type { Event, EventServiceClient } from '@roomcast/proto';

/** Events asked for per ListSessionEvents call: the most the Event service gives. */
const PAGE_SIZE = 1_000;

/** A session's stored events, read from the Event service (never from its tables). */
export class EventFeed {
  constructor(private readonly client: EventServiceClient) {}

  /** Pages of events after `after`, ascending, until everything stored so far was read. */
  async *after(sessionId: string, after: bigint): AsyncGenerator<Event[]> {
    let cursor = after;
    for (;;) {
      const page = await callUnary(
        this.client,
        this.client.listSessionEvents,
        {
          sessionId,
          afterSequence: cursor.toString(),
          pageSize: PAGE_SIZE,
          pageToken: '',
          types: [],
        },
        { deadlineMs: 10_000 },
      );
      if (page.events.length > 0) {
        yield page.events;
        cursor = BigInt(page.events.at(-1)!.sequence);
      }
      if (!page.nextPageToken) return;
    }
  }
}

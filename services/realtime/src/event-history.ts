import { callUnary, connectClient } from '@roomcast/kit';
import { EventServiceClient, type Event } from '@roomcast/proto';

/** The Event service's page limit for ListSessionEvents. */
export const HISTORY_PAGE_SIZE = 1000;

/** A session's stored events, as the Event service serves them. */
export interface EventHistory {
  /**
   * Stored events of the session with a sequence above `afterSequence`, ascending, at most one
   * page. An empty list means nothing more is stored yet.
   */
  page(sessionId: string, afterSequence: bigint): Promise<Event[]>;
  close(): void;
}

/** Reads history from EventService.ListSessionEvents at host:port. */
export function eventHistoryClient(address: string, options: { deadlineMs?: number } = {}) {
  const client = connectClient(EventServiceClient, address);

  const history: EventHistory = {
    page: async (sessionId, afterSequence) => {
      const response = await callUnary(
        client,
        client.listSessionEvents,
        {
          sessionId,
          afterSequence: afterSequence.toString(),
          pageSize: HISTORY_PAGE_SIZE,
          pageToken: '',
          types: [],
        },
        { deadlineMs: options.deadlineMs ?? 5_000 },
      );
      return response.events;
    },
    close: () => client.close(),
  };
  return history;
}

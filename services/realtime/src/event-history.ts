import { callUnary, connectClient, isServiceError } from '@roomcast/kit';
import { EventServiceClient, type Event } from '@roomcast/proto';

/** The Event service's page limit for ListSessionEvents. */
export const HISTORY_PAGE_SIZE = 1000;

/** grpc.status.RESOURCE_EXHAUSTED: among others, a response above the 4 MiB message limit. */
const GRPC_RESOURCE_EXHAUSTED = 8;

export interface PageOptions {
  /** Most events wanted; default a whole page. */
  limit?: number;
}

/** A session's stored events, as the Event service serves them. */
export interface EventHistory {
  /**
   * Stored events of the session with a sequence above `afterSequence`, ascending, at most one
   * page (and at most `limit`, when given). An empty list means nothing more is stored yet.
   */
  page(sessionId: string, afterSequence: bigint, options?: PageOptions): Promise<Event[]>;
  close(): void;
}

/**
 * Reads history from EventService.ListSessionEvents at host:port. Pages are as large as the
 * Event service allows; when a page of large events passes gRPC's message limit it asks again
 * for half as many, and grows back by doubling after each page that fits.
 */
export function eventHistoryClient(address: string, options: { deadlineMs?: number } = {}) {
  const client = connectClient(EventServiceClient, address);

  const fetchPage = async (sessionId: string, afterSequence: bigint, pageSize: number) => {
    const request = {
      sessionId,
      afterSequence: afterSequence.toString(),
      pageSize,
      pageToken: '',
      types: [],
    };
    const response = await callUnary(client, client.listSessionEvents, request, {
      deadlineMs: options.deadlineMs ?? 5_000,
    });
    return response.events;
  };

  let pageSize = HISTORY_PAGE_SIZE;
  const history: EventHistory = {
    page: async (sessionId, afterSequence, pageOptions = {}) => {
      for (;;) {
        const size = Math.min(pageSize, pageOptions.limit ?? HISTORY_PAGE_SIZE);
        try {
          const events = await fetchPage(sessionId, afterSequence, size);
          // A read cut short by its limit says nothing about how large a page may grow.
          if (size === pageSize) pageSize = Math.min(size * 2, HISTORY_PAGE_SIZE);
          return events;
        } catch (caught) {
          const tooLarge = isServiceError(caught) && caught.code === GRPC_RESOURCE_EXHAUSTED;
          if (!tooLarge || size === 1) throw caught;
          pageSize = Math.min(pageSize, Math.ceil(size / 2));
        }
      }
    },
    close: () => client.close(),
  };
  return history;
}

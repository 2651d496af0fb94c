import { requireId, unary, type HandlerDeps } from '@roomcast/kit';
import type { AggregationServiceServer } from '@roomcast/proto';
import type { AggregateStore } from './aggregate-store.js';
import { toAggregates } from './fold-events.js';
import { noAggregates, type SessionAggregator } from './session-aggregator.js';

/** The AggregationService gRPC handlers. */
export function aggregationServiceHandlers(
  deps: HandlerDeps,
  store: AggregateStore,
  aggregator: SessionAggregator,
): AggregationServiceServer {
  return {
    getSessionAggregates: unary(deps, 'GetSessionAggregates', async (request) => {
      const sessionId = requireId(request.sessionId, 'session_id');
      let stored = await store.get(sessionId);
      if (!stored) {
        await aggregator.foldNow(sessionId);
        stored = await store.get(sessionId);
      }
      if (!stored) throw noAggregates(sessionId);
      return toAggregates(stored.summary, stored.updateTime);
    }),

    recomputeSessionAggregates: unary(deps, 'RecomputeSessionAggregates', async (request) => {
      return aggregator.recompute(requireId(request.sessionId, 'session_id'));
    }),
  };
}

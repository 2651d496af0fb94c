import {
  connectClient,
  connectNats,
  createPool,
  migrate,
  type RunServiceOptions,
} from '@roomcast/kit';
import {
  AggregationServiceService,
  EventServiceClient,
  SessionServiceClient,
} from '@roomcast/proto';
import { AggregateStore } from './aggregate-store.js';
import { aggregationServiceHandlers } from './aggregation-handlers.js';
import { readAggregationConfig, type AggregationConfig } from './config.js';
import { EventFeed } from './event-feed.js';
import { AGGREGATION_MIGRATIONS } from './schema.js';
import { SessionAggregator } from './session-aggregator.js';

/** The Aggregation service, ready for runService (the process) or startService (tests). */
export function aggregationService(
  config?: AggregationConfig,
): RunServiceOptions<AggregationConfig> {
  return {
    name: 'aggregation',
    readConfig: () => config ?? readAggregationConfig(),
    start: async (runtime, settings) => {
      const pool = createPool(settings.databaseUrl);
      runtime.onShutdown(() => pool.end());
      await migrate(pool, 'aggregation', AGGREGATION_MIGRATIONS);

      const nc = await connectNats(settings.natsUrl, 'roomcast-aggregation', runtime.log);
      runtime.onShutdown(() => nc.drain());
      const events = connectClient(EventServiceClient, settings.eventServiceAddr);
      const sessions = connectClient(SessionServiceClient, settings.sessionServiceAddr);
      runtime.onShutdown(() => {
        events.close();
        sessions.close();
      });

      const store = new AggregateStore(pool);
      const aggregator = new SessionAggregator({
        store,
        feed: new EventFeed(events),
        session: sessions,
        nc,
        log: runtime.log.child({ component: 'aggregator' }),
        metrics: runtime.metrics,
        foldIntervalMs: settings.foldIntervalMs,
        pushIntervalMs: settings.pushIntervalMs,
        sweepIntervalMs: settings.sweepIntervalMs,
        staleAfterMs: settings.staleAfterMs,
      });
      await aggregator.start();
      runtime.onShutdown(() => aggregator.stop());

      runtime.server.addService(
        AggregationServiceService,
        aggregationServiceHandlers(runtime, store, aggregator),
      );
    },
  };
}

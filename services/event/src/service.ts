import {
  connectNats,
  createPool,
  ensurePlatformStreams,
  migrate,
  type RunServiceOptions,
} from '@roomcast/kit';
import { EventServiceService } from '@roomcast/proto';
import { readEventConfig, type EventConfig } from './config.js';
import { eventServiceHandlers } from './event-handlers.js';
import { EventHistory } from './event-history.js';
import { EventIngestor, type EventIngestorOptions } from './event-ingestor.js';
import { EventMetrics } from './event-metrics.js';
import { EVENT_MIGRATIONS } from './schema.js';
import { StoredPublisher } from './stored-publisher.js';

/** Seams for tests; production passes none. */
export interface EventServiceHooks {
  /** See EventIngestorOptions.afterCommit. */
  afterCommit?: EventIngestorOptions['afterCommit'];
}

/** The Event service, ready for runService (the process) or startService (tests). */
export function eventService(
  config?: EventConfig,
  hooks: EventServiceHooks = {},
): RunServiceOptions<EventConfig> {
  return {
    name: 'event',
    readConfig: () => config ?? readEventConfig(),
    start: async (runtime, settings) => {
      const pool = createPool(settings.databaseUrl);
      runtime.onShutdown(() => pool.end());
      await migrate(pool, 'event', EVENT_MIGRATIONS);

      const nc = await connectNats(settings.natsUrl, 'roomcast-event', runtime.log);
      runtime.onShutdown(() => nc.drain());
      const jsm = await nc.jetstreamManager();
      await ensurePlatformStreams(jsm);

      const js = nc.jetstream();
      const ingestor = new EventIngestor({
        pool,
        js,
        jsm,
        publisher: new StoredPublisher(js, pool),
        log: runtime.log.child({ component: 'ingest' }),
        metrics: new EventMetrics(runtime.metrics),
        batchMax: settings.batchMax,
        outboxIntervalMs: settings.outboxIntervalMs,
        afterCommit: hooks.afterCommit,
      });
      await ingestor.start();
      runtime.onShutdown(() => ingestor.stop());

      const history = new EventHistory(pool);
      runtime.server.addService(EventServiceService, eventServiceHandlers(runtime, history));
    },
  };
}

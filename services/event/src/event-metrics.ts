import type { ServiceMetrics } from '@roomcast/kit';
import { Counter, Gauge, Histogram } from 'prom-client';

/** The Event service's own metrics, beside the gRPC ones every service has. */
export class EventMetrics {
  readonly stored: Counter;
  readonly duplicates: Counter;
  readonly malformed: Counter;
  readonly publishFailures: Counter;
  readonly outboxPublished: Counter;
  readonly batchSize: Histogram;
  readonly lag: Gauge;

  constructor(metrics: ServiceMetrics) {
    const registers = [metrics.registry];
    this.stored = new Counter({
      name: 'roomcast_event_stored_total',
      help: 'Events stored for the first time.',
      registers,
    });
    this.duplicates = new Counter({
      name: 'roomcast_event_duplicates_dropped_total',
      help: 'Raw events dropped because their event id was already stored.',
      registers,
    });
    this.malformed = new Counter({
      name: 'roomcast_event_malformed_skipped_total',
      help: 'Raw messages skipped because they are not a storable event envelope.',
      registers,
    });
    this.publishFailures = new Counter({
      name: 'roomcast_event_publish_failures_total',
      help: 'Batches whose publish to events.stored failed and was left to the outbox.',
      registers,
    });
    this.outboxPublished = new Counter({
      name: 'roomcast_event_outbox_published_total',
      help: 'Events published late by the outbox.',
      registers,
    });
    this.batchSize = new Histogram({
      name: 'roomcast_event_batch_size',
      help: 'Raw messages per ingest transaction.',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
      registers,
    });
    this.lag = new Gauge({
      name: 'roomcast_event_ingest_lag_messages',
      help: 'Raw stream messages not yet stored: the stream last sequence minus the committed.',
      registers,
    });
  }
}

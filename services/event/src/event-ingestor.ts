import {
  abortableSleep,
  asError,
  inTransaction,
  RAW_STREAM,
  type Logger,
  type Pool,
  type PoolClient,
} from '@roomcast/kit';
import type { Event } from '@roomcast/proto';
import type { JetStreamClient, JetStreamManager } from 'nats';
import { ingestBatch, StreamGapError, type IngestOutcome } from './batch-ingest.js';
import type { EventMetrics } from './event-metrics.js';
import { adoptStream, readPosition, skipMissing } from './ingest-position.js';
import type { RawMessage } from './raw-message.js';
import { RawStreamReader } from './raw-stream-reader.js';
import type { StoredPublisher } from './stored-publisher.js';

/** Held from reading the position until the batch is published: one cycle at a time overall. */
const CYCLE_LOCK = 'roomcast:event-ingest';
const MAX_BACKOFF_MS = 5_000;

export interface EventIngestorOptions {
  pool: Pool;
  js: JetStreamClient;
  jsm: JetStreamManager;
  publisher: StoredPublisher;
  log: Logger;
  metrics: EventMetrics;
  /** Most raw messages per transaction. */
  batchMax: number;
  /** Period of the outbox and the lag gauge. */
  outboxIntervalMs: number;
  /**
   * Test seam: runs after a batch commits, before its events are published. A throw leaves
   * them unpublished, exactly as a crash at that point would.
   */
  afterCommit?: (events: Event[]) => Promise<void> | void;
}

/**
 * Stores the raw stream: reads it in order from the committed position, stores batches, then
 * publishes what each stored. The committed position in PostgreSQL is the only durable state,
 * so any number of instances may run; they take turns per batch.
 */
export class EventIngestor {
  private readonly stopping = new AbortController();
  private reader: RawStreamReader | undefined;
  private loops: Promise<unknown> | undefined;

  constructor(private readonly options: EventIngestorOptions) {}

  /** Adopts the stream, publishes what a previous run left unpublished, then starts reading. */
  async start(): Promise<void> {
    const { jsm, pool, log } = this.options;
    const info = await jsm.streams.info(RAW_STREAM);
    const abandoned = await adoptStream(pool, new Date(info.created));
    if (abandoned !== undefined) {
      log.warn({ abandoned }, 'raw stream was recreated; reading it again from the start');
    }

    await this.runOutbox();
    this.loops = Promise.all([this.readLoop(), this.housekeepingLoop()]);
  }

  /** Finishes the batch in hand, then stops reading. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.reader?.interrupt();
    await this.loops;
  }

  private async readLoop(): Promise<void> {
    let failures = 0;
    let lastGap: StreamGapError | undefined;

    while (!this.stopping.signal.aborted) {
      try {
        const position = await readPosition(this.options.pool);
        this.reader = await RawStreamReader.open({
          js: this.options.js,
          fromSeq: position + 1,
          bufferMax: this.options.batchMax * 2,
        });
        if (this.stopping.signal.aborted) this.reader.interrupt();
        await this.drain(this.reader);
        failures = 0;
      } catch (caught) {
        if (caught instanceof StreamGapError) {
          lastGap = await this.onGap(caught, lastGap);
          continue;
        }
        failures += 1;
        this.options.log.error({ err: asError(caught), failures }, 'storing raw events failed');
        await abortableSleep(Math.min(100 * 2 ** failures, MAX_BACKOFF_MS), this.stopping.signal);
      } finally {
        await this.reader?.close();
        this.reader = undefined;
      }
    }
  }

  private async drain(reader: RawStreamReader): Promise<void> {
    for (;;) {
      const batch = await reader.take(this.options.batchMax);
      if (batch.length === 0) return;
      await this.cycle(batch);
    }
  }

  /**
   * A batch that starts past the committed position means the reader lost messages: read again
   * from the position. If the same gap comes back, the stream no longer has those messages.
   */
  private async onGap(gap: StreamGapError, previous?: StreamGapError) {
    const repeated = previous?.committed === gap.committed && previous.next === gap.next;
    if (!repeated) return gap;

    if (await skipMissing(this.options.pool, gap.committed, gap.next - 1)) {
      const missing = gap.next - gap.committed - 1;
      this.options.log.warn({ ...gap, missing }, 'raw messages were gone before being stored');
    }
    return undefined;
  }

  /**
   * One batch. A batch PostgreSQL refuses for its data (an id out of range, text it cannot hold)
   * holds a message that can never be stored: the batch is stored one message at a time and the
   * message that fails is skipped, so it cannot block the stream.
   */
  private async cycle(batch: RawMessage[]): Promise<void> {
    try {
      await this.store(batch);
    } catch (caught) {
      if (!isDataException(caught)) throw caught;
      if (batch.length > 1) {
        for (const message of batch) await this.cycle([message]);
        return;
      }
      await this.skipUnstorable(batch[0]!, caught);
    }
  }

  private async skipUnstorable(message: RawMessage, cause: unknown): Promise<void> {
    const { streamSeq, subject } = message;
    if (!(await skipMissing(this.options.pool, streamSeq - 1, streamSeq))) return;
    this.options.metrics.malformed.inc();
    this.options.log.warn(
      { streamSeq, subject, err: asError(cause).message },
      'skipped a raw message PostgreSQL cannot store',
    );
  }

  /** Stores a batch in a transaction, then publishes what was new. */
  private async store(batch: RawMessage[]): Promise<void> {
    await this.exclusively(async (client) => {
      const outcome = await inTransaction(client, () => ingestBatch(client, batch, new Date()));
      this.record(outcome, batch.length);
      await this.publish(outcome.stored);
    });
  }

  private record(outcome: IngestOutcome, batchSize: number): void {
    const { metrics, log } = this.options;
    metrics.batchSize.observe(batchSize);
    metrics.stored.inc(outcome.stored.length);
    metrics.duplicates.inc(outcome.duplicates);
    metrics.malformed.inc(outcome.malformed.length);
    for (const skipped of outcome.malformed) log.warn(skipped, 'skipped a malformed raw message');
  }

  private async publish(events: Event[]): Promise<void> {
    if (events.length === 0) return;
    try {
      await this.options.afterCommit?.(events);
      await this.options.publisher.publish(events);
    } catch (caught) {
      this.options.metrics.publishFailures.inc();
      this.options.log.error(
        { err: asError(caught), count: events.length },
        'publishing stored events failed; the outbox will publish them',
      );
    }
  }

  private async housekeepingLoop(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      await abortableSleep(this.options.outboxIntervalMs, this.stopping.signal);
      if (this.stopping.signal.aborted) return;
      await this.runOutbox().catch((caught: unknown) => {
        this.options.log.error({ err: asError(caught) }, 'publishing the outbox failed');
      });
      await this.refreshLag().catch(() => undefined);
    }
  }

  private async runOutbox(): Promise<void> {
    const published = await this.exclusively(() => this.options.publisher.drainOutbox());
    if (published === 0) return;
    this.options.metrics.outboxPublished.inc(published);
    this.options.log.info({ published }, 'published stored events the outbox held');
  }

  private async refreshLag(): Promise<void> {
    const info = await this.options.jsm.streams.info(RAW_STREAM);
    const position = await readPosition(this.options.pool);
    this.options.metrics.lag.set(Math.max(0, info.state.last_seq - position));
  }

  /**
   * Runs work holding the cycle lock on its own connection. Publishing inside the lock keeps
   * events.stored in acceptance order even with several instances.
   */
  private async exclusively<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.options.pool.connect();
    let broken = false;
    try {
      await client.query('select pg_advisory_lock(hashtext($1))', [CYCLE_LOCK]);
      try {
        return await work(client);
      } finally {
        await client.query('select pg_advisory_unlock(hashtext($1))', [CYCLE_LOCK]).catch(() => {
          // The lock dies with the connection: drop it rather than reuse it still holding it.
          broken = true;
        });
      }
    } finally {
      client.release(broken);
    }
  }
}

/** PostgreSQL's class 22, data exception: the values themselves are refused, not the server. */
function isDataException(caught: unknown): boolean {
  const code = (caught as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('22');
}

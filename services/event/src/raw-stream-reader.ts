import { RAW_STREAM } from '@roomcast/kit';
import { DeliverPolicy, type Consumer, type ConsumerMessages, type JetStreamClient } from 'nats';
import type { RawMessage } from './raw-message.js';
import { Wakeup } from './wakeup.js';

/** The client refuses pull expiries under one second. */
const FETCH_EXPIRES_MS = 1_000;

export interface RawStreamReaderOptions {
  js: JetStreamClient;
  /** The first stream sequence to deliver. */
  fromSeq: number;
  /** Messages asked for per pull; also the most held in memory. */
  bufferMax: number;
}

/**
 * Reads the raw stream in stream order from a given sequence through a JetStream ordered
 * consumer: ephemeral, unacknowledged, recreated by the client at the right place if a message
 * goes missing. A background pump keeps up to bufferMax messages ready, so a batch can be taken
 * the moment the previous one is stored (group commit) instead of waiting for a pull to fill.
 */
export class RawStreamReader {
  private readonly buffered: RawMessage[] = [];
  private readonly arrived = new Wakeup();
  private readonly drained = new Wakeup();
  private failure: Error | undefined;
  private closing = false;
  private current: ConsumerMessages | undefined;
  private readonly pumping: Promise<void>;

  private constructor(
    private readonly consumer: Consumer,
    private readonly bufferMax: number,
  ) {
    this.pumping = this.pump();
  }

  static async open(options: RawStreamReaderOptions): Promise<RawStreamReader> {
    const consumer = await options.js.consumers.get(RAW_STREAM, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: options.fromSeq,
    });
    return new RawStreamReader(consumer, options.bufferMax);
  }

  /**
   * Up to max messages in stream order, waiting until at least one is there. Empty only once
   * the reader is closing; throws when reading failed (open a new reader to continue).
   */
  async take(max: number): Promise<RawMessage[]> {
    while (this.buffered.length === 0) {
      if (this.failure) throw this.failure;
      if (this.closing) return [];
      await this.arrived.wait();
    }

    const batch = this.buffered.splice(0, max);
    this.drained.notify();
    return batch;
  }

  /** Stops pulling: take() hands out what is buffered, then returns empty. */
  interrupt(): void {
    this.closing = true;
    this.current?.stop();
    this.drained.notify();
    this.arrived.notify();
  }

  /** Stops pulling and deletes the server-side consumer. */
  async close(): Promise<void> {
    this.interrupt();
    await this.pumping;
    await this.consumer.delete().catch(() => false);
  }

  private async pump(): Promise<void> {
    try {
      while (!this.closing) {
        const room = this.bufferMax - this.buffered.length;
        if (room <= 0) {
          await this.drained.wait();
          continue;
        }
        await this.pull(room);
      }
    } catch (caught) {
      this.failure = new Error('reading the raw event stream failed', { cause: caught });
    } finally {
      this.arrived.notify();
    }
  }

  private async pull(count: number): Promise<void> {
    this.current = await this.consumer.fetch({ max_messages: count, expires: FETCH_EXPIRES_MS });
    if (this.closing) this.current.stop();
    for await (const message of this.current) {
      this.buffered.push({
        streamSeq: message.seq,
        subject: message.subject,
        data: message.data,
        receivedAtMs: Date.now(),
      });
      this.arrived.notify();
    }
    this.current = undefined;
  }
}

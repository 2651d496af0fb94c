import {
  asError,
  decodeEvent,
  ensurePlatformStreams,
  STORED_STREAM,
  STORED_SUBJECTS,
  type Logger,
  type NatsConnection,
} from '@roomcast/kit';
import {
  AckPolicy,
  DeliverPolicy,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
} from 'nats';

/** The durable consumer on ROOMCAST_STORED that every Aggregation instance shares. */
export const TRIGGER_CONSUMER = 'aggregation';
/** An unacked trigger is handed out again after this long (to this or another instance). */
const ACK_WAIT_MS = 30_000;
/** Triggers delivered but not yet acked, across all instances; past it delivery pauses. */
const MAX_ACK_PENDING = 10_000;
/** Triggers asked for per pull. */
const PULL_BATCH = 256;
const NANOS_PER_MS = 1_000_000;

export interface StoredTriggersOptions {
  nc: NatsConnection;
  log: Logger;
  /** Called for every stored event delivered: its session has something new to fold. */
  onTrigger: (sessionId: string) => void;
}

interface PendingTrigger {
  sequence: bigint;
  message: JsMsg;
}

/**
 * Stored events as fold triggers, from a durable pull consumer with explicit acks. A trigger is
 * acked only once its session's folded state, saved in PostgreSQL, has passed the event's
 * sequence; so triggers that arrive while no instance runs, or that an instance held when it
 * died, are delivered again and no session is left unfolded.
 */
export class StoredTriggers {
  private readonly pending = new Map<string, PendingTrigger[]>();
  private messages: ConsumerMessages | undefined;
  private reading: Promise<void> | undefined;

  constructor(private readonly options: StoredTriggersOptions) {}

  /** Creates the stream and the consumer when missing and starts taking triggers. */
  async start(): Promise<void> {
    const jsm = await this.options.nc.jetstreamManager();
    await ensurePlatformStreams(jsm);
    await ensureTriggerConsumer(jsm);

    const consumer = await this.options.nc
      .jetstream()
      .consumers.get(STORED_STREAM, TRIGGER_CONSUMER);
    this.messages = await consumer.consume({ max_messages: PULL_BATCH });
    this.reading = this.read(this.messages);
  }

  /**
   * Acks the session's triggers at or below `foldedThrough`, the last sequence of its saved
   * state. Later triggers stay pending until a fold passes them.
   */
  settle(sessionId: string, foldedThrough: bigint): void {
    const triggers = this.pending.get(sessionId);
    if (!triggers) return;

    const waiting = triggers.filter((trigger) => trigger.sequence > foldedThrough);
    for (const trigger of triggers) if (trigger.sequence <= foldedThrough) trigger.message.ack();
    if (waiting.length === 0) this.pending.delete(sessionId);
    else this.pending.set(sessionId, waiting);
  }

  /** Stops taking triggers and hands the unsettled ones back for redelivery at once. */
  async stop(): Promise<void> {
    await this.messages?.close();
    await this.reading;
    for (const triggers of this.pending.values()) {
      for (const trigger of triggers) trigger.message.nak();
    }
    this.pending.clear();
  }

  private async read(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const message of messages) this.take(message);
    } catch (caught) {
      this.options.log.error({ err: asError(caught) }, 'reading fold triggers stopped');
    }
  }

  private take(message: JsMsg): void {
    let sessionId: string;
    let sequence: bigint;
    try {
      const event = decodeEvent(message.data);
      sessionId = event.sessionId;
      sequence = BigInt(event.sequence);
    } catch {
      // Not a stored event: there is nothing to fold, and redelivering it would not change that.
      message.term();
      return;
    }

    const triggers = this.pending.get(sessionId) ?? [];
    triggers.push({ sequence, message });
    this.pending.set(sessionId, triggers);
    this.options.onTrigger(sessionId);
  }
}

/** Creates the durable trigger consumer when missing; an existing one is left as it is. */
async function ensureTriggerConsumer(jsm: JetStreamManager): Promise<void> {
  try {
    await jsm.consumers.info(STORED_STREAM, TRIGGER_CONSUMER);
    return;
  } catch {
    // Missing: create it below.
  }

  try {
    await jsm.consumers.add(STORED_STREAM, {
      durable_name: TRIGGER_CONSUMER,
      filter_subject: STORED_SUBJECTS,
      // A first start folds every session the stream still holds, not only later ones.
      deliver_policy: DeliverPolicy.All,
      ack_policy: AckPolicy.Explicit,
      ack_wait: ACK_WAIT_MS * NANOS_PER_MS,
      max_ack_pending: MAX_ACK_PENDING,
    });
  } catch (caught) {
    // Another instance may have created it meanwhile.
    await jsm.consumers.info(STORED_STREAM, TRIGGER_CONSUMER).catch(() => {
      throw new Error(`could not create consumer ${TRIGGER_CONSUMER} on ${STORED_STREAM}`, {
        cause: caught,
      });
    });
  }
}

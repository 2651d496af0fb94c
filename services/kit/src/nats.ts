import {
  connect,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type NatsConnection,
  type StreamConfig,
} from 'nats';
import type { Logger } from './logger.js';

export type { NatsConnection };

/** The JetStream stream holding every raw event, as producers published it. */
export const RAW_STREAM = 'ROOMCAST_RAW';
/** The JetStream stream holding every event after the Event service stored it. */
export const STORED_STREAM = 'ROOMCAST_STORED';

export const RAW_SUBJECTS = 'events.raw.>';
export const STORED_SUBJECTS = 'events.stored.>';

const NANOS_PER_MS = 1_000_000;

/** Limits of the platform streams; the operator applies the same from the chart's values. */
export interface StreamLimits {
  /** How long raw events stay; default 7 days. */
  rawMaxAgeMs: number;
  /** How long stored events stay for Realtime's recent window; default 24 hours. */
  storedMaxAgeMs: number;
  /** Window in which a re-published event id is dropped by JetStream; default 2 minutes. */
  duplicateWindowMs: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  rawMaxAgeMs: 7 * 24 * 3_600_000,
  storedMaxAgeMs: 24 * 3_600_000,
  duplicateWindowMs: 120_000,
};

/** Connects to NATS and keeps reconnecting forever, logging each state change once. */
export async function connectNats(url: string, name: string, log: Logger): Promise<NatsConnection> {
  const nc = await connect({
    servers: url,
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
  });

  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'pingTimer') continue;
      log.info({ nats: status.type, data: String(status.data) }, 'nats connection changed');
    }
  })();
  return nc;
}

/** The declared configuration of the two platform streams. */
export function platformStreams(limits: StreamLimits = DEFAULT_STREAM_LIMITS) {
  const common = {
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    num_replicas: 1,
    duplicate_window: limits.duplicateWindowMs * NANOS_PER_MS,
  };

  return [
    {
      ...common,
      name: RAW_STREAM,
      subjects: [RAW_SUBJECTS],
      max_age: limits.rawMaxAgeMs * NANOS_PER_MS,
    },
    {
      ...common,
      name: STORED_STREAM,
      subjects: [STORED_SUBJECTS],
      max_age: limits.storedMaxAgeMs * NANOS_PER_MS,
    },
  ] satisfies Array<Partial<StreamConfig> & { name: string }>;
}

/**
 * Creates the platform streams when missing. Services call it at start so the local stack works
 * without the operator; an existing stream is left as it is (the operator corrects drift).
 */
export async function ensurePlatformStreams(jsm: JetStreamManager): Promise<void> {
  for (const stream of platformStreams()) {
    try {
      await jsm.streams.info(stream.name);
    } catch {
      try {
        await jsm.streams.add(stream);
      } catch (caught) {
        // Another service may have created it meanwhile.
        await jsm.streams.info(stream.name).catch(() => {
          throw new Error(`could not create JetStream stream ${stream.name}`, { cause: caught });
        });
      }
    }
  }
}

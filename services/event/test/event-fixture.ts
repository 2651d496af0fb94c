import { credentials } from '@grpc/grpc-js';
import type { NatsServer, PostgresServer } from '@roomcast/harness';
import { callUnary, encodeEvent, newEvent, rawSubject, startService } from '@roomcast/kit';
import type { RunningService } from '@roomcast/kit';
import { EventServiceClient, EventType, StreamState, type Event } from '@roomcast/proto';
import type { JetStreamClient } from 'nats';
import { eventService, type EventServiceHooks } from '../src/index.js';

/** A running Event service with a client for it. */
export interface EventInstance {
  service: RunningService;
  client: EventServiceClient;
  stop(): Promise<void>;
}

/** Starts the Event service in-process on free ports against the given servers. */
export async function startEvent(
  servers: { postgres: PostgresServer; nats: NatsServer },
  hooks: EventServiceHooks = {},
): Promise<EventInstance> {
  const service = await startService(
    eventService(
      {
        bindHost: '127.0.0.1',
        grpcPort: 0,
        metricsPort: 0,
        shutdownGraceMs: 1_000,
        databaseUrl: servers.postgres.url,
        natsUrl: servers.nats.url,
        batchMax: 256,
        outboxIntervalMs: 60_000,
      },
      hooks,
    ),
  );
  const client = new EventServiceClient(
    `127.0.0.1:${service.grpcPort}`,
    credentials.createInsecure(),
  );
  return {
    service,
    client,
    stop: async () => {
      client.close();
      await service.stop();
    },
  };
}

let nextSession = 1_000 + Math.floor(Math.random() * 1_000_000) * 1_000;

/** A session id no other test used. */
export function freshSessionId(): string {
  nextSession += 1;
  return String(nextSession);
}

/** A chat message event as Session would publish it. */
export function chatEvent(sessionId: string, userId: string, text: string): Event {
  return newEvent({
    sessionId,
    roomId: '7',
    type: EventType.EVENT_TYPE_CHAT_MESSAGE,
    source: 'session',
    chat: { userId, text },
  });
}

export function statusEvent(sessionId: string, state: StreamState, occurTime?: Date): Event {
  return newEvent({
    sessionId,
    roomId: '7',
    type: EventType.EVENT_TYPE_STREAM_STATUS,
    source: 'session',
    streamStatus: { state },
    ...(occurTime ? { occurTime } : {}),
  });
}

/**
 * Publishes raw events to events.raw.<type> without a JetStream message id (so only the Event
 * service can drop a repeat). Pipelined on one connection, which keeps the call order.
 */
export async function publishRaw(js: JetStreamClient, events: Event[]): Promise<void> {
  await Promise.all(events.map((event) => js.publish(rawSubject(event.type), encodeEvent(event))));
}

/** Every stored event of a session, paging through ListSessionEvents. */
export async function listAll(client: EventServiceClient, sessionId: string): Promise<Event[]> {
  const all: Event[] = [];
  let pageToken = '';
  do {
    const page = await callUnary(client, client.listSessionEvents, {
      sessionId,
      afterSequence: '0',
      pageSize: 1000,
      pageToken,
      types: [],
    });
    all.push(...page.events);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return all;
}

/** Polls until check returns a value other than undefined, or fails after timeoutMs. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  options: { timeoutMs?: number; what: string },
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until a session has exactly count stored events and returns them. */
export function storedCount(client: EventServiceClient, sessionId: string, count: number) {
  return eventually(
    async () => {
      const events = await listAll(client, sessionId);
      return events.length >= count ? events : undefined;
    },
    { what: `${count} stored events of session ${sessionId}` },
  );
}

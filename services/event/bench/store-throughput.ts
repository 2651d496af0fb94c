/**
 * Measures the Event service storing raw events: events/s stored in a burst, and publish→stored
 * latency (publish on events.raw until the stored copy shows up on events.stored) in a burst and
 * at a steady rate. Starts its own PostgreSQL and NATS through the harness.
 *
 *   npx tsx services/event/bench/store-throughput.ts [burstEvents] [sessions] [batchMax]
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startNats, startPostgres } from '@roomcast/harness';
import { decodeEvent, encodeEvent, newEvent, rawSubject, startService } from '@roomcast/kit';
import { EventType, type Event } from '@roomcast/proto';
import { connect, type JetStreamClient, type NatsConnection } from 'nats';
import { eventService } from '../src/index.js';

const BURST_EVENTS = Number(process.argv[2] ?? 20_000);
const SESSIONS = Number(process.argv[3] ?? 20);
const BATCH_MAX = Number(process.argv[4] ?? 256);
const STEADY_EVENTS = 3_000;
const STEADY_RATE_PER_S = 1_000;
/** Publishes in flight at once during the burst. */
const PIPELINE = 500;

interface Run {
  name: string;
  events: number;
  seconds: number;
  latenciesMs: number[];
}

process.env.LOG_LEVEL ??= 'error';
const [postgres, nats] = await Promise.all([startPostgres(), startNats()]);
const startEvent = () =>
  startService(
    eventService({
      bindHost: '127.0.0.1',
      grpcPort: 0,
      metricsPort: 0,
      shutdownGraceMs: 1_000,
      databaseUrl: postgres.url,
      natsUrl: nats.url,
      batchMax: BATCH_MAX,
      outboxIntervalMs: 5_000,
    }),
  );
let service = await startEvent();
const nc = await connect({ servers: nats.url });

try {
  const publishedAt = new Map<string, number>();
  const stored = new Map<string, number>();
  nc.subscribe('events.stored.>', {
    callback: (_error, message) => stored.set(decodeEvent(message.data).eventId, performance.now()),
  });

  await measure(nc, 'warm-up', 500, publishedAt, stored, burst);
  const runs = [
    await measure(nc, 'burst', BURST_EVENTS, publishedAt, stored, burst),
    await measure(nc, `steady ~${STEADY_RATE_PER_S}/s`, STEADY_EVENTS, publishedAt, stored, steady),
    await measure(nc, 'backlog after restart', BURST_EVENTS, publishedAt, stored, backlog),
  ];
  report(runs);
} finally {
  await nc.close();
  await service.stop();
  await Promise.all([postgres.stop(), nats.stop()]);
}

/** Publishes the events; may return the time from which storing is to be timed. */
type Publisher = (
  js: JetStreamClient,
  events: Event[],
  publishedAt: Map<string, number>,
) => Promise<number | void>;

async function measure(
  connection: NatsConnection,
  name: string,
  count: number,
  publishedAt: Map<string, number>,
  stored: Map<string, number>,
  publish: Publisher,
): Promise<Run> {
  const events = Array.from({ length: count }, (_, i) =>
    newEvent({
      sessionId: String(1 + (i % SESSIONS)),
      roomId: '1',
      type: EventType.EVENT_TYPE_CHAT_MESSAGE,
      source: 'bench',
      chat: { userId: String(1 + (i % 50)), text: `bench message ${i}` },
    }),
  );

  const publishing = performance.now();
  const started = (await publish(connection.jetstream(), events, publishedAt)) ?? publishing;
  while (!events.every((event) => stored.has(event.eventId))) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }

  const last = Math.max(...events.map((event) => stored.get(event.eventId)!));
  const latenciesMs = events.map((e) => stored.get(e.eventId)! - publishedAt.get(e.eventId)!);
  return { name, events: count, seconds: (last - started) / 1000, latenciesMs };
}

/** As fast as the server takes them, PIPELINE publishes in flight. */
async function burst(js: JetStreamClient, events: Event[], publishedAt: Map<string, number>) {
  for (let i = 0; i < events.length; i += PIPELINE) {
    const chunk = events.slice(i, i + PIPELINE);
    await Promise.all(
      chunk.map((event) => {
        publishedAt.set(event.eventId, performance.now());
        return js.publish(rawSubject(event.type), encodeEvent(event));
      }),
    );
  }
}

/**
 * Publishes while Event is down, then starts it: how fast a restarted instance catches up,
 * with no publisher competing for the CPU. Latency here is mostly the downtime.
 */
async function backlog(
  js: JetStreamClient,
  events: Event[],
  publishedAt: Map<string, number>,
): Promise<number> {
  await service.stop();
  await burst(js, events, publishedAt);
  const restarted = performance.now();
  service = await startEvent();
  return restarted;
}

/** One event every 1/STEADY_RATE_PER_S seconds, in ticks of 10 ms. */
async function steady(js: JetStreamClient, events: Event[], publishedAt: Map<string, number>) {
  const perTick = STEADY_RATE_PER_S / 100;
  const pending: Array<Promise<unknown>> = [];
  for (let i = 0; i < events.length; i += perTick) {
    for (const event of events.slice(i, i + perTick)) {
      publishedAt.set(event.eventId, performance.now());
      pending.push(js.publish(rawSubject(event.type), encodeEvent(event)));
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await Promise.all(pending);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function report(runs: Run[]): void {
  console.log(
    `Event store throughput: ${SESSIONS} sessions, batch max ${BATCH_MAX}, one Event instance`,
  );
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
  console.log('');
  console.log('| run | events | stored events/s | p50 publish→stored ms | p99 ms | max ms |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const run of runs) {
    const sorted = [...run.latenciesMs].sort((a, b) => a - b);
    const cells = [
      run.name,
      run.events,
      Math.round(run.events / run.seconds),
      percentile(sorted, 50).toFixed(1),
      percentile(sorted, 99).toFixed(1),
      sorted.at(-1)!.toFixed(1),
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
}

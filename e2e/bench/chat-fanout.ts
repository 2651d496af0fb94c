/**
 * Benchmark: chat through Envoy fanned out to WebSocket viewers, on the real local stack.
 *
 *   npx tsx e2e/bench/chat-fanout.ts [--viewers 50] [--messages 1000] [--concurrency 10]
 *
 * Prints the throughput and latency of POST /v1/sessions/{id}/messages through Envoy, the
 * latency from a message's POST to its arrival on every viewer's socket, and each service's
 * resident memory after the run. Results are meant to be pasted into docs/bench/chat-fanout.md.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startStack, SERVICE_NAMES } from '@roomcast/cli';
import { RestClient, SessionSocket } from '../src/index.js';

const { values } = parseArgs({
  options: {
    viewers: { type: 'string', default: '50' },
    messages: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '10' },
  },
});
const viewers = Number(values.viewers);
const messages = Number(values.messages);
const concurrency = Number(values.concurrency);

const stack = await startStack({ logLevel: 'warn' });
try {
  const api = new RestClient(stack.restUrl);
  const host = await api.ok<{ id: string }>('POST', '/v1/users', { handle: 'bench_host' });
  const room = await api.ok<{ id: string }>('POST', '/v1/rooms', {
    slug: 'bench',
    title: 'Bench',
    owner: 'bench_host',
    chat: { maxMessageLength: 4000 },
  });
  const session = await api.ok<{ id: string }>('POST', '/v1/sessions', { roomId: room.id });

  const sockets: SessionSocket[] = [];
  for (let index = 0; index < viewers; index += 1) {
    sockets.push(
      await SessionSocket.open(`${stack.sessionSocketUrl(session.id)}?after_sequence=0`),
    );
  }
  console.log(`stack up; ${viewers} viewers connected; posting ${messages} messages`);

  const postedAt = new Map<string, number>();
  const postLatencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < messages) {
        const text = `bench ${next++}`;
        const before = performance.now();
        postedAt.set(text, before);
        await api.ok('POST', `/v1/sessions/${session.id}/messages`, { userId: host.id, text });
        postLatencies.push(performance.now() - before);
      }
    }),
  );
  const postSeconds = (performance.now() - started) / 1000;

  const deliveries = await collectDeliveries(sockets, postedAt, messages);
  console.log(
    JSON.stringify(
      {
        viewers,
        messages,
        concurrency,
        postsPerSecond: Math.round(messages / postSeconds),
        postLatencyMs: percentiles(postLatencies),
        deliveryLatencyMs: percentiles(deliveries),
        deliveredFrames: deliveries.length,
        rssMiB: serviceMemory(),
      },
      null,
      2,
    ),
  );
  await Promise.all(sockets.map((socket) => socket.close()));
} finally {
  await stack.stop();
}

/** Waits until every viewer has every message; returns each frame's POST→arrival latency. */
async function collectDeliveries(
  sockets: SessionSocket[],
  postedAt: Map<string, number>,
  expected: number,
): Promise<number[]> {
  const latencies: number[] = [];
  for (const socket of sockets) {
    await socket.waitFor(
      'every message',
      (events) => events.filter((e) => e.chat).length >= expected,
      120_000,
    );
  }
  for (const socket of sockets) {
    for (const [index, event] of socket.events.entries()) {
      const posted = event.chat ? postedAt.get(event.chat.text) : undefined;
      const arrived = socket.arrivals[index];
      if (posted !== undefined && arrived !== undefined) latencies.push(arrived - posted);
    }
  }
  return latencies;
}

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 10) / 10;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}

/** Resident memory of each service process, from /proc. */
function serviceMemory(): Record<string, number> {
  const memory: Record<string, number> = {};
  for (const name of SERVICE_NAMES) {
    const pid = stack.pidOf(name);
    if (pid === undefined) continue;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    memory[name] = Math.round(kib / 1024);
  }
  return memory;
}

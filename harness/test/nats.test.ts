import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, connect, type NatsConnection } from 'nats';
import { describe, expect, it } from 'vitest';
import { startNats } from '../src/index.js';

async function withConnection<T>(
  url: string,
  work: (nc: NatsConnection) => Promise<T>,
): Promise<T> {
  const nc = await connect({ servers: url });
  try {
    return await work(nc);
  } finally {
    await nc.drain();
  }
}

describe('nats', { timeout: 30_000 }, () => {
  it('stores a published event in a JetStream stream and hands it to a pull consumer', async () => {
    const nats = await startNats();
    try {
      const received = await withConnection(nats.url, async (nc) => {
        const jsm = await nc.jetstreamManager();
        await jsm.streams.add({ name: 'EVENTS', subjects: ['events.raw.>'] });
        await jsm.consumers.add('EVENTS', {
          durable_name: 'store',
          ack_policy: AckPolicy.Explicit,
        });

        const js = nc.jetstream();
        const ack = await js.publish('events.raw.chat.message', new TextEncoder().encode('hello'));
        expect(ack.seq).toBe(1);

        const consumer = await js.consumers.get('EVENTS', 'store');
        const message = await consumer.next({ expires: 5_000 });
        message?.ack();
        return { subject: message?.subject, body: message?.string() };
      });

      expect(received).toEqual({ subject: 'events.raw.chat.message', body: 'hello' });
    } finally {
      await nats.stop();
    }
  });

  it('keeps a stream across stop and start in a persistent store dir', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'roomcast-nats-test-'));
    try {
      const first = await startNats({ dataDir });
      await withConnection(first.url, async (nc) => {
        await (await nc.jetstreamManager()).streams.add({ name: 'KEPT', subjects: ['kept.>'] });
        await nc.jetstream().publish('kept.one', new TextEncoder().encode('still here'));
      });
      await first.stop();

      const second = await startNats({ dataDir });
      try {
        const body = await withConnection(second.url, async (nc) => {
          const message = await (
            await nc.jetstreamManager()
          ).streams.getMessage('KEPT', { seq: 1 });
          return message.string();
        });
        expect(body).toBe('still here');
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('serves the monitoring endpoints on loopback when asked', async () => {
    const nats = await startNats({ monitor: true });
    try {
      expect(nats.monitorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${nats.monitorUrl}/healthz?js-enabled-only=true`);
      expect(health.status).toBe(200);
    } finally {
      await nats.stop();
    }
  });
});

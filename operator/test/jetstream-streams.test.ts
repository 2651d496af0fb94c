/**
 * The platform streams held to their declaration by a running operator, against real NATS
 * JetStream: a deleted stream comes back, an edited one is put back, and it is said in Events.
 */
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEFAULT_STREAM_LIMITS, platformStreams, RAW_STREAM, STORED_STREAM } from '@roomcast/kit';

import type { RunningOperator } from '../src/operator.js';
import { driftedFields } from '../src/jetstream-streams.js';
import { startOperatorEnv, type OperatorEnv } from './support/operator-env.js';
import { eventReasons } from './support/rooms.js';
import { eventually, nextEvent } from './support/wait.js';

const START_TIMEOUT_MS = 180_000;
const declared = Object.fromEntries(platformStreams(DEFAULT_STREAM_LIMITS).map((s) => [s.name, s]));

let env: OperatorEnv;
let operator: RunningOperator;
let nc: NatsConnection;
let jsm: JetStreamManager;

beforeAll(async () => {
  env = await startOperatorEnv();
  nc = await connect({ servers: env.infra.nats.url });
  jsm = await nc.jetstreamManager();
  // A long resync, so corrections seen below come from JetStream's advisories, promptly.
  operator = await env.startOperator({ streamResyncMs: 600_000 });
  await nextEvent(operator.events, (event) => event.type === 'streams-checked' && event.ready);
}, START_TIMEOUT_MS);

afterAll(async () => {
  await nc?.close();
  await env?.stop();
});

async function driftOf(name: string): Promise<string[] | undefined> {
  try {
    return driftedFields(declared[name]!, (await jsm.streams.info(name)).config);
  } catch {
    return undefined;
  }
}

describe('platform streams', () => {
  it('streams - both platform streams exist as declared once the operator leads', async () => {
    expect(await driftOf(RAW_STREAM)).toEqual([]);
    expect(await driftOf(STORED_STREAM)).toEqual([]);
  });

  it('streams - a deleted stream is created again within moments, and an Event says so', async () => {
    const corrected = nextEvent(
      operator.events,
      (event) => event.type === 'stream-corrected' && event.stream === RAW_STREAM,
    );
    const deletedAt = Date.now();

    await jsm.streams.delete(RAW_STREAM);

    expect(await corrected).toMatchObject({ action: 'created' });
    expect(Date.now() - deletedAt).toBeLessThan(5_000);
    expect(await driftOf(RAW_STREAM)).toEqual([]);
    await eventually('a StreamsCorrected Event on the Lease', async () =>
      (await eventReasons(env, 'default', 'Lease', 'roomcast-operator')).includes(
        'StreamsCorrected',
      ),
    );
  });

  it('streams - an edited stream is put back to its declared limits and subjects', async () => {
    const info = await jsm.streams.info(STORED_STREAM);
    const corrected = nextEvent(
      operator.events,
      (event) => event.type === 'stream-corrected' && event.stream === STORED_STREAM,
    );

    await jsm.streams.update(STORED_STREAM, {
      ...info.config,
      max_age: 600 * 1_000_000_000,
      subjects: ['events.stored.>', 'somewhere.else'],
    });

    expect(await corrected).toMatchObject({ action: 'updated' });
    const restored = (await jsm.streams.info(STORED_STREAM)).config;
    expect(restored.max_age).toBe(DEFAULT_STREAM_LIMITS.storedMaxAgeMs * 1_000_000);
    expect(restored.subjects).toEqual(['events.stored.>']);
  });

  it('streams - drift made while no operator runs is corrected when the next leader starts', async () => {
    await operator.stop();
    const info = await jsm.streams.info(RAW_STREAM);
    await jsm.streams.update(RAW_STREAM, { ...info.config, max_age: 3_600 * 1_000_000_000 });
    expect(await driftOf(RAW_STREAM)).toEqual(['max_age']);

    const next = await env.startOperator({ streamResyncMs: 300 });

    await eventually(
      'the raw stream restored',
      async () => (await driftOf(RAW_STREAM))?.length === 0,
    );
    expect(next.isLeader()).toBe(true);
  });
});

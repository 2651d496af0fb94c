import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callUnary, errorCodeOf, isServiceError } from '@roomcast/kit';
import type { Event, RealtimeServiceClient } from '@roomcast/proto';
import { CONNECTIONS_HASH, heartbeatKey } from '../src/connection-ledger.js';
import { sequences } from './stored-feed.js';
import { startRealtimeFixture, type RealtimeFixture } from './realtime-fixture.js';
import { ViewerClient } from './viewer-client.js';

let fixture: RealtimeFixture;

beforeAll(async () => {
  fixture = await startRealtimeFixture();
});

afterAll(async () => {
  await fixture?.stop();
});

/** A StreamEvents call that records what it got and how it ended. */
function openStream(client: RealtimeServiceClient, sessionId: string, afterSequence = '0') {
  const call = client.streamEvents({ sessionId, afterSequence });
  const events: Event[] = [];
  call.on('data', (event: Event) => events.push(event));
  const ended = new Promise<{ code: number; reason?: string }>((resolve) => {
    call.on('error', (error) => {
      resolve({
        code: isServiceError(error) ? error.code : -1,
        reason: errorCodeOf(error as never),
      });
    });
    call.on('end', () => resolve({ code: 0 }));
  });
  return { call, events, ended, sequences: () => events.map((event) => event.sequence) };
}

describe('realtime gRPC and connection accounting', () => {
  it('realtime - StreamEvents resumes after a sequence, then streams live events', async () => {
    const realtime = await fixture.start();
    const session = fixture.newSession();
    fixture.feed.store(session, 30);

    const stream = openStream(realtime.client, session, '12');
    await expect.poll(stream.sequences).toEqual(sequences(13, 30));
    fixture.feed.storeAndPublish(session, 10);

    await expect.poll(stream.sequences).toEqual(sequences(13, 40));
    expect(stream.events[0]).toMatchObject({ sessionId: session, chat: { text: 'message 13 ' } });
    stream.call.cancel();
  });

  it('realtime - StreamEvents refuses an unknown session with NOT_FOUND and a bad id with INVALID_ARGUMENT', async () => {
    const realtime = await fixture.start();

    const unknown = await openStream(realtime.client, '424242').ended;
    expect(unknown).toEqual({ code: 5, reason: 'SESSION_NOT_FOUND' });

    const bad = await openStream(realtime.client, '0').ended;
    expect(bad).toEqual({ code: 3, reason: 'INVALID_ID' });
  });

  it('realtime - counts connections in Redis, on /metrics and in Healthz', async () => {
    const realtime = await fixture.start({ instanceId: 'realtime-counted' });
    const session = fixture.newSession();
    const viewers = [1, 2, 3].map(() => new ViewerClient(realtime.wsUrl(session)));
    await expect.poll(() => viewers.every((viewer) => viewer.ready)).toBe(true);
    const stream = openStream(realtime.client, session);

    const counted = () => fixture.redis.hget(CONNECTIONS_HASH, 'realtime-counted');
    await expect.poll(counted).toBe('4');
    expect(await fixture.redis.pttl(heartbeatKey('realtime-counted'))).toBeGreaterThan(0);
    const metrics = await fetch(`http://127.0.0.1:${realtime.running.metricsPort}/metrics`);
    expect(await metrics.text()).toMatch(/^roomcast_realtime_connections\{[^}]*\} 4$/m);
    const health = await callUnary(realtime.client, realtime.client.healthz, {});
    expect(health).toEqual({ status: 'SERVING', connections: '4' });

    viewers[0]!.close();
    stream.call.cancel();
    await expect.poll(counted).toBe('2');

    await realtime.stop();
    expect(await counted()).toBeNull();
    expect(await fixture.redis.exists(heartbeatKey('realtime-counted'))).toBe(0);
  });

  it('realtime - drain ends open streams with UNAVAILABLE and reports DRAINING', async () => {
    const realtime = await fixture.start();
    const session = fixture.newSession();
    const stream = openStream(realtime.client, session);
    await expect
      .poll(() => fixture.redis.hget(CONNECTIONS_HASH, realtime.config.instanceId))
      .toBe('1');

    await realtime.service.drain();

    expect(await stream.ended).toEqual({ code: 14, reason: 'REALTIME_DRAINING' });
    const health = await callUnary(realtime.client, realtime.client.healthz, {});
    expect(health).toEqual({ status: 'DRAINING', connections: '0' });
    const late = await openStream(realtime.client, session).ended;
    expect(late).toEqual({ code: 14, reason: 'REALTIME_DRAINING' });
  });
});

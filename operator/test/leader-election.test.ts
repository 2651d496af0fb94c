/**
 * Two operator replicas against one real kube-apiserver: only the Lease holder reconciles, the
 * other stays idle, and it takes over when the first stops or loses the Lease.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { OperatorEvent } from '../src/operator-events.js';
import type { RunningOperator } from '../src/operator.js';
import { startOperatorEnv, type OperatorEnv } from './support/operator-env.js';
import { isReady, readRoom, roomManifest } from './support/rooms.js';
import { eventually, nextEvent, recordEvents } from './support/wait.js';

const START_TIMEOUT_MS = 180_000;
const NS = 'default';

let env: OperatorEnv;
let first: RunningOperator;
let second: RunningOperator;
let firstSeen: OperatorEvent[];
let secondSeen: OperatorEvent[];

beforeAll(async () => {
  env = await startOperatorEnv();
  first = await env.startOperator({ identity: 'replica-a' });
  firstSeen = recordEvents(first.events);
  await eventually('replica-a to lead', () => first.isLeader());
  second = await env.startOperator({ identity: 'replica-b' });
  secondSeen = recordEvents(second.events);
}, START_TIMEOUT_MS);

afterAll(async () => {
  await env?.stop();
});

async function holder(): Promise<string> {
  const lease = JSON.parse(
    await env.kubectl(['-n', NS, 'get', 'lease', 'roomcast-operator', '-o', 'json']),
  ) as { spec: { holderIdentity?: string } };
  return lease.spec.holderIdentity ?? '';
}

async function applyAndAwaitReady(name: string) {
  await env.kubectl(['apply', '-f', '-'], roomManifest(NS, name, { title: name, owner: 'ada-l' }));
  return eventually(`Room ${name} Ready`, async () => isReady(await readRoom(env, NS, name)));
}

const reconciles = (seen: OperatorEvent[]) =>
  seen.filter((event) => event.type === 'reconcile-started').length;

describe('leader election', () => {
  it('leader election - the second replica stays idle while the first holds the Lease', async () => {
    await applyAndAwaitReady('first-room');
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(await holder()).toBe('replica-a');
    expect(first.isLeader()).toBe(true);
    expect(second.isLeader()).toBe(false);
    expect(reconciles(firstSeen)).toBeGreaterThan(0);
    expect(reconciles(secondSeen)).toBe(0);
    expect(secondSeen).toContainEqual({
      type: 'leader-observed',
      identity: 'replica-b',
      holder: 'replica-a',
    });
  });

  it('leader election - a leader that finds its Lease taken stops acting at once', async () => {
    const lost = nextEvent(first.events, (event) => event.type === 'leader-lost');
    // A MicroTime: RFC 3339 with six fractional digits.
    const renewTime = new Date().toISOString().replace('Z', '000Z');
    const patch = { spec: { holderIdentity: 'intruder', renewTime, leaseDurationSeconds: 5 } };

    await env.kubectl([
      '-n',
      NS,
      'patch',
      'lease',
      'roomcast-operator',
      '--type=merge',
      '-p',
      JSON.stringify(patch),
    ]);

    const takenAt = Date.now();
    expect(await lost).toMatchObject({
      identity: 'replica-a',
      why: 'the lease is held by intruder',
    });
    expect(Date.now() - takenAt).toBeLessThan(2_000);
    expect(first.isLeader()).toBe(false);
    // The intruder never renews; after the lease duration one replica takes over.
    await eventually(
      'a replica to lead again',
      () => first.isLeader() || second.isLeader(),
      10_000,
    );
  });

  it('leader election - when the leader stops, the standby takes over and reconciles', async () => {
    const [leader, standby, standbySeen] = first.isLeader()
      ? [first, second, secondSeen]
      : [second, first, firstSeen];
    const before = reconciles(standbySeen);
    const stoppedAt = Date.now();

    await leader.stop();

    await eventually('the standby to lead', () => standby.isLeader(), 10_000);
    const takeoverMs = Date.now() - stoppedAt;
    await applyAndAwaitReady('second-room');

    // Released, not expired: the standby needs a retry period or two, not a lease duration.
    expect(takeoverMs).toBeLessThan(4_000);
    expect(reconciles(standbySeen)).toBeGreaterThan(before);
    expect(await holder()).toBe(standby === first ? 'replica-a' : 'replica-b');
  });
});

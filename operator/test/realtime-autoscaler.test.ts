/**
 * The Realtime autoscaler against a real kube-apiserver and real Redis. Pods never run here, so
 * the Deployment is an object only and its pods are created by hand; connection counts are
 * written to Redis the way services/realtime writes them.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AUTOSCALER_STATUS_CONFIGMAP } from '../src/autoscaler-status.js';
import type { RunningOperator } from '../src/operator.js';
import { POD_DELETION_COST } from '../src/realtime-autoscaler.js';
import { startOperatorEnv, type OperatorEnv } from './support/operator-env.js';
import { eventReasons } from './support/rooms.js';
import { eventually } from './support/wait.js';

const START_TIMEOUT_MS = 180_000;
const NS = 'realtime';
const DEPLOYMENT = 'roomcast-realtime';
const STABILIZATION_MS = 3_000;
const PODS = ['realtime-a', 'realtime-b', 'realtime-c'];

let env: OperatorEnv;
let operator: RunningOperator;
let redis: Redis;

const labels = { 'app.kubernetes.io/name': 'roomcast', 'app.kubernetes.io/component': 'realtime' };
const container = { name: 'realtime', image: 'roomcast/realtime:test' };

beforeAll(async () => {
  env = await startOperatorEnv();
  redis = new Redis(env.infra.redis.url);
  await env.kubectl(['create', 'namespace', NS]);
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: DEPLOYMENT, namespace: NS },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [container] } },
    },
  };
  const pods = PODS.map((name) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, labels },
    spec: { containers: [container] },
  }));
  await env.kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [deployment, ...pods] }),
  );

  const base = env.config();
  operator = await env.startOperator({
    autoscale: {
      ...base.autoscale,
      enabled: true,
      namespace: NS,
      deployment: DEPLOYMENT,
      targetConnectionsPerPod: 100,
      minReplicas: 1,
      maxReplicas: 8,
      scaleDownStabilizationMs: STABILIZATION_MS,
      intervalMs: 200,
    },
  });
}, START_TIMEOUT_MS);

afterAll(async () => {
  redis?.disconnect();
  await env?.stop();
});

/** Writes counts as Realtime does: the hash field and a heartbeat key with a TTL. */
async function report(counts: Record<string, number>, options: { heartbeat?: boolean } = {}) {
  for (const [pod, count] of Object.entries(counts)) {
    await redis.hset('realtime:connections', pod, String(count));
    if (options.heartbeat !== false) await redis.set(`realtime:instance:${pod}`, '1', 'EX', 60);
  }
}

async function replicas(): Promise<number> {
  const scale = JSON.parse(
    await env.kubectl([
      '-n',
      NS,
      'get',
      'deployment',
      DEPLOYMENT,
      '--subresource=scale',
      '-o',
      'json',
    ]),
  ) as { spec: { replicas: number } };
  return scale.spec.replicas;
}

async function statusData(): Promise<Record<string, string>> {
  const configMap = JSON.parse(
    await env.kubectl(['-n', NS, 'get', 'configmap', AUTOSCALER_STATUS_CONFIGMAP, '-o', 'json']),
  ) as { data: Record<string, string> };
  return configMap.data;
}

async function deletionCosts(): Promise<Record<string, string | undefined>> {
  const list = JSON.parse(await env.kubectl(['-n', NS, 'get', 'pods', '-o', 'json'])) as {
    items: Array<{ metadata: { name: string; annotations?: Record<string, string> } }>;
  };
  return Object.fromEntries(
    list.items.map((pod) => [pod.metadata.name, pod.metadata.annotations?.[POD_DELETION_COST]]),
  );
}

describe('realtime autoscaler', () => {
  it('autoscaler - more connections scale Realtime up promptly through the scale subresource', async () => {
    const reportedAt = Date.now();
    await report({ 'realtime-a': 250, 'realtime-b': 150, 'realtime-c': 20 });
    // A pod that died without cleaning up: its count has no heartbeat and must not count.
    await report({ 'realtime-gone': 5_000 }, { heartbeat: false });

    await eventually('5 replicas', async () => (await replicas()) === 5, 10_000);
    const scaledInMs = Date.now() - reportedAt;

    expect(scaledInMs).toBeLessThan(2_000);
    const status = await eventually('the status to show the decision', async () => {
      const data = await statusData();
      return data.desiredReplicas === '5' ? data : undefined;
    });
    expect(status).toMatchObject({
      deployment: DEPLOYMENT,
      state: 'ok',
      totalConnections: '420',
      targetConnectionsPerPod: '100',
      minReplicas: '1',
      maxReplicas: '8',
      stalePods: 'realtime-gone',
      lastScale: '1 -> 5',
    });
    expect(JSON.parse(status.connectionsPerPod!)).toEqual({
      'realtime-a': 250,
      'realtime-b': 150,
      'realtime-c': 20,
    });
    expect(await eventReasons(env, NS, 'Deployment', DEPLOYMENT)).toContain('Scaled');
  });

  it('autoscaler - fewer connections scale down only after the stabilization window, emptiest pods first', async () => {
    await eventually('5 replicas', async () => (await replicas()) === 5);
    const droppedAt = Date.now();
    await report({ 'realtime-a': 90, 'realtime-b': 10, 'realtime-c': 0 });

    // Within the window the replicas hold, whatever the lower recommendation says.
    await new Promise((resolve) => setTimeout(resolve, STABILIZATION_MS - 1_000));
    expect(await replicas()).toBe(5);

    await eventually('1 replica', async () => (await replicas()) === 1, 10_000);
    const scaledDownAfterMs = Date.now() - droppedAt;

    expect(scaledDownAfterMs).toBeGreaterThanOrEqual(STABILIZATION_MS - 300);
    expect(scaledDownAfterMs).toBeLessThan(STABILIZATION_MS + 3_000);
    expect(await deletionCosts()).toEqual({
      'realtime-a': '90',
      'realtime-b': '10',
      'realtime-c': '0',
    });
    expect((await statusData()).lastScale).toBe('5 -> 1');
  });

  it('autoscaler - is the only writer of replicas: a manual change is put back', async () => {
    await env.kubectl(['-n', NS, 'scale', 'deployment', DEPLOYMENT, '--replicas=7']);

    // 100 connections ask for 1; a count above the recommendation comes down after the window.
    await eventually(
      '1 replica again',
      async () => (await replicas()) === 1,
      STABILIZATION_MS + 5_000,
    );
    expect(operator.isLeader()).toBe(true);
  });
});

/**
 * The Room list-watch against a real kube-apiserver, reached through a TCP proxy the test can
 * cut or freeze: a dropped connection and a silent stall both end in a new watch that misses
 * no change, and the server's own 410 for an expired resource version has the shape the
 * list-watch relists on.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startControlPlane, type ControlPlane } from '@roomcast/harness';
import { createLogger } from '@roomcast/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { kubeClients } from '../src/kube-client.js';
import { customResourceSource } from '../src/kube-watch-source.js';
import { ListWatch, type WatchSource } from '../src/list-watch.js';
import { OperatorEvents, type OperatorEvent } from '../src/operator-events.js';
import type { RoomObject } from '../src/room-resource.js';
import { roomManifest } from './support/rooms.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { eventually } from './support/wait.js';

const CRD_PATH = fileURLToPath(
  new URL('../../charts/roomcast/crds/rooms.roomcast.dev.yaml', import.meta.url),
);
const START_TIMEOUT_MS = 180_000;
const NS = 'default';
const STALL_MS = 1_500;

let controlPlane: ControlPlane;
let proxy: TcpProxy;
let source: WatchSource<RoomObject>;
let listWatch: ListWatch<RoomObject>;
const seen: OperatorEvent[] = [];
const upserted = new Set<string>();

async function kubectl(args: string[], input?: string): Promise<string> {
  const result = await controlPlane.kubectl(args, { input });
  if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const applyRoom = (name: string) =>
  kubectl(['apply', '-f', '-'], roomManifest(NS, name, { title: name, owner: 'ada-l' }));

const watchesStarted = () => seen.filter((event) => event.type === 'watch-started').length;

beforeAll(async () => {
  controlPlane = await startControlPlane();
  await kubectl(['apply', '-f', CRD_PATH]);
  await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/rooms.roomcast.dev']);

  const port = Number(new URL(controlPlane.server).port);
  proxy = await startTcpProxy({ host: '127.0.0.1', port });
  const kubeconfig = JSON.parse(await readFile(controlPlane.kubeconfigPath, 'utf8'));
  kubeconfig.clusters[0].cluster.server = `https://127.0.0.1:${proxy.port}`;
  const proxiedPath = join(controlPlane.dir, 'kubeconfig-proxied');
  await writeFile(proxiedPath, JSON.stringify(kubeconfig));

  const events = new OperatorEvents();
  events.on((event) => seen.push(event));
  source = customResourceSource<RoomObject>(kubeClients(proxiedPath), {
    group: 'roomcast.dev',
    version: 'v1alpha1',
    plural: 'rooms',
    namespace: '',
  });
  listWatch = new ListWatch<RoomObject>({
    source,
    events,
    log: createLogger('list-watch-test'),
    stallMs: STALL_MS,
    timeoutSeconds: 60,
    resyncMs: 600_000,
    onUpsert: (room) => upserted.add(`${room.metadata.name}@${room.metadata.generation}`),
    onDelete: () => undefined,
  });
  listWatch.start();
  await eventually('the first list', () => listWatch.hasSynced);
}, START_TIMEOUT_MS);

afterAll(async () => {
  await listWatch?.stop();
  await proxy?.close();
  await controlPlane?.stop();
});

describe('list-watch against kube-apiserver', () => {
  it('list-watch - sees a Room applied after it started', async () => {
    await applyRoom('first');

    await eventually('first seen', () => upserted.has('first@1'));
  });

  it('list-watch - after a dropped connection it watches again and misses no change', async () => {
    const before = watchesStarted();

    proxy.dropAll();
    await applyRoom('while-dropped');

    await eventually('while-dropped seen', () => upserted.has('while-dropped@1'), 10_000);
    expect(watchesStarted()).toBeGreaterThan(before);
    expect(listWatch.get(`${NS}/first`)).toBeDefined();
  });

  it('list-watch - a silently stalled connection is given up after the stall bound', async () => {
    const before = seen.length;
    proxy.freezeAll();
    const frozenAt = Date.now();
    await applyRoom('while-frozen');

    await eventually('while-frozen seen', () => upserted.has('while-frozen@1'), 10_000);
    const recoveredMs = Date.now() - frozenAt;
    const ended = seen.slice(before).filter((event) => event.type === 'watch-ended');

    expect(ended).toContainEqual({
      type: 'watch-ended',
      resource: 'rooms.roomcast.dev',
      reason: 'stalled',
    });
    expect(recoveredMs).toBeGreaterThanOrEqual(STALL_MS - 500);
  });

  it('list-watch - the API server answers an expired resource version with the 410 it relists on', async () => {
    const outcome = await new Promise<{ type: string; code?: number }>((resolve) => {
      void source.watch({
        resourceVersion: '1',
        timeoutSeconds: 5,
        onEvent: (type, object) => resolve({ type, code: (object as { code?: number }).code }),
        onDone: (error) =>
          resolve({ type: 'done', code: (error as { statusCode?: number })?.statusCode }),
      });
    });

    expect(outcome).toEqual({ type: 'ERROR', code: 410 });
  });
});

import { startStack, type Stack } from '@roomcast/cli';
import { startControlPlane, type ControlPlane } from '@roomcast/harness';
import { EnvReader } from '@roomcast/kit';
import { readOperatorConfig, startOperator, type RunningOperator } from '@roomcast/operator';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestClient, SessionSocket, waitUntil } from '../src/index.js';

/**
 * Kubernetes end to end: a real kube-apiserver with the Room CRD, the operator, and the local
 * stack behind Envoy. What a platform team does with kubectl shows up in the REST API, and
 * Realtime's live connection counts move the Realtime Deployment's replicas.
 */

const repoFile = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const CRD = repoFile('charts/roomcast/crds/rooms.roomcast.dev.yaml');
const EXAMPLE_ROOM = repoFile('examples/room.yaml');
const EXAMPLE_SLUG = 'default-launch-day';

let controlPlane: ControlPlane;
let stack: Stack;
let api: RestClient;
let operator: RunningOperator;

beforeAll(async () => {
  [controlPlane, stack] = await Promise.all([
    startControlPlane(),
    startStack({ logLevel: 'warn' }),
  ]);
  api = new RestClient(stack.restUrl);
  await kubectl('apply', '-f', CRD);
  await kubectl('wait', '--for=condition=Established', '--timeout=60s', 'crd/rooms.roomcast.dev');
  await kubectl('apply', '-f', '-', { input: REALTIME_DEPLOYMENT });
  operator = await startOperator(operatorConfig('operator-a'));
}, 300_000);

afterAll(async () => {
  await operator?.stop();
  await Promise.allSettled([controlPlane?.stop(), stack?.stop()]);
});

function operatorConfig(identity: string) {
  return readOperatorConfig(
    new EnvReader({
      KUBECONFIG: controlPlane.kubeconfigPath,
      ROOM_SERVICE_ADDR: `127.0.0.1:${stack.ports.services.room.grpc}`,
      NATS_URL: stack.natsUrl,
      REDIS_URL: stack.redisUrl,
      POD_NAME: identity,
      METRICS_PORT: '0',
      RESYNC_MS: '3000',
      RETRY_BASE_MS: '100',
      RETRY_MAX_MS: '1000',
      ROOM_SERVICE_DEADLINE_MS: '1000',
      LEASE_DURATION_MS: '2000',
      LEASE_RENEW_DEADLINE_MS: '1500',
      LEASE_RETRY_PERIOD_MS: '200',
      AUTOSCALE_TARGET_CONNECTIONS_PER_POD: '2',
      AUTOSCALE_MIN_REPLICAS: '1',
      AUTOSCALE_MAX_REPLICAS: '5',
      AUTOSCALE_SCALE_DOWN_STABILIZATION_MS: '3000',
      AUTOSCALE_INTERVAL_MS: '300',
      REALTIME_DEPLOYMENT: 'roomcast-realtime',
      REALTIME_NAMESPACE: 'default',
    }),
  );
}

async function kubectl(...args: Array<string | { input: string }>): Promise<string> {
  const input = args.find((arg): arg is { input: string } => typeof arg === 'object')?.input;
  const words = args.filter((arg): arg is string => typeof arg === 'string');
  const result = await controlPlane.kubectl(words, { input });
  if (result.exitCode !== 0) throw new Error(`kubectl ${words.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

interface ApiRoom {
  id: string;
  slug: string;
  title: string;
  archived: boolean;
  chat: { maxMessageLength: number; slowModeSeconds: number };
}

async function roomBySlug(slug: string): Promise<ApiRoom | undefined> {
  const page = await api.ok<{ rooms: ApiRoom[] }>(
    'GET',
    `/v1/rooms?slug=${slug}&includeArchived=true`,
  );
  return page.rooms[0];
}

const readyRoomId = (name: string) =>
  waitUntil(`Room ${name} to be Ready with a room id`, async () => {
    const room = JSON.parse(await kubectl('get', 'room', name, '-o', 'json')) as {
      status?: { roomId?: string; conditions?: Array<{ type: string; status: string }> };
    };
    const ready = room.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    return ready ? room.status?.roomId : undefined;
  });

describe('Kubernetes end to end', () => {
  it('kubernetes - an applied Room is readable through Envoy and Ready in kubectl get rooms', async () => {
    const applied = Date.now();
    await kubectl('apply', '-f', EXAMPLE_ROOM);

    const roomId = await readyRoomId('launch-day');
    const room = await roomBySlug(EXAMPLE_SLUG);
    expect(Date.now() - applied).toBeLessThan(15_000);
    expect(room).toMatchObject({ id: roomId, title: 'Launch day', archived: false });
    expect(room?.chat).toEqual({ maxMessageLength: 280, slowModeSeconds: 2 });

    const table = await kubectl('get', 'rooms');
    expect(table).toMatch(/launch-day\s+Launch day\s+ada\s+True\s+\d+/);
  });

  it('kubernetes - an edited spec shows in the REST API', async () => {
    await kubectl(
      'patch',
      'room',
      'launch-day',
      '--type=merge',
      '-p',
      '{"spec":{"title":"Launch day (extended)"}}',
    );

    await waitUntil('the new title through Envoy', async () =>
      (await roomBySlug(EXAMPLE_SLUG))?.title === 'Launch day (extended)' ? true : undefined,
    );
  });

  it('kubernetes - an invalid Room is refused with a message that says what is wrong', async () => {
    const bad = `apiVersion: roomcast.dev/v1alpha1
kind: Room
metadata: { name: bad-room }
spec: { title: "  ", owner: ada, history: { retention: "forever" } }
`;
    const result = await controlPlane.kubectl(['apply', '-f', '-'], { input: bad });

    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/title/i);
    expect(result.stderr).toMatch(/retention/i);
    expect(await roomBySlug('default-bad-room')).toBeUndefined();
  });

  it('kubernetes - a Room applied while the Room service is down becomes Ready on its own', async () => {
    await stack.stopService('room');
    await kubectl('apply', '-f', '-', { input: roomYaml('while-down', 'Applied while down') });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await kubectl('get', 'room', 'while-down', '-o', 'jsonpath={.status.roomId}')).toBe('');

    await stack.startServiceAgain('room');
    const roomId = await readyRoomId('while-down');
    expect((await roomBySlug('default-while-down'))?.id).toBe(roomId);
  });

  it('kubernetes - deleting a Room archives it and removes the resource', async () => {
    await kubectl('delete', 'room', 'launch-day', '--wait=true', '--timeout=60s');

    expect((await roomBySlug(EXAMPLE_SLUG))?.archived).toBe(true);
    const left = await controlPlane.kubectl(['get', 'room', 'launch-day']);
    expect(left.stderr).toMatch(/NotFound/);
  });

  it('kubernetes - a second operator replica stays idle while the first holds the lease', async () => {
    const second = await startOperator(operatorConfig('operator-b'));
    try {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(operator.isLeader()).toBe(true);
      expect(second.isLeader()).toBe(false);
    } finally {
      await second.stop();
    }
  });

  it('kubernetes - Realtime connection counts scale the Deployment up at once and down after the window', async () => {
    const sessionId = await liveSession();
    const sockets: SessionSocket[] = [];
    for (let index = 0; index < 7; index += 1) {
      sockets.push(
        await SessionSocket.open(`${stack.sessionSocketUrl(sessionId)}?after_sequence=0`),
      );
    }

    await waitUntil('4 replicas for 7 connections at 2 per pod', async () =>
      (await realtimeReplicas()) === 4 ? true : undefined,
    );

    await Promise.all(sockets.map((socket) => socket.close()));
    const closed = Date.now();
    await waitUntil(
      'the scale-down after the stabilization window',
      async () => ((await realtimeReplicas()) === 1 ? true : undefined),
      30_000,
    );
    expect(Date.now() - closed).toBeGreaterThanOrEqual(2_500);
  });
});

async function realtimeReplicas(): Promise<number> {
  return Number(
    await kubectl('get', 'deployment', 'roomcast-realtime', '-o', 'jsonpath={.spec.replicas}'),
  );
}

async function liveSession(): Promise<string> {
  await api.ok('POST', '/v1/users', { handle: 'k8s_host' });
  const room = await api.ok<{ id: string }>('POST', '/v1/rooms', {
    slug: 'scaling',
    title: 'Scaling',
    owner: 'k8s_host',
  });
  return (await api.ok<{ id: string }>('POST', '/v1/sessions', { roomId: room.id })).id;
}

function roomYaml(name: string, title: string): string {
  return `apiVersion: roomcast.dev/v1alpha1
kind: Room
metadata: { name: ${name} }
spec: { title: "${title}", owner: ada }
`;
}

/** The Realtime Deployment as the chart makes it: no replicas of its own; pods never run here. */
const REALTIME_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: roomcast-realtime, namespace: default }
spec:
  selector: { matchLabels: { app: roomcast-realtime } }
  template:
    metadata: { labels: { app: roomcast-realtime } }
    spec:
      containers: [{ name: realtime, image: roomcast/realtime:0.1.0 }]
`;

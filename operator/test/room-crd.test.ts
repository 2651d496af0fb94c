/**
 * The Room CRD against a real kube-apiserver: schema, defaults, CEL rules, status subresource
 * and printer columns, exactly as `kubectl apply` users meet them.
 */
import { fileURLToPath } from 'node:url';

import { startControlPlane, type ControlPlane } from '@roomcast/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CRD_PATH = fileURLToPath(
  new URL('../../charts/roomcast/crds/rooms.roomcast.dev.yaml', import.meta.url),
);
const NAMESPACE = 'rooms-test';
const START_TIMEOUT_MS = 180_000;
const TEST_TIMEOUT_MS = 60_000;

type RoomSpec = Record<string, unknown>;

let controlPlane: ControlPlane;

function room(name: string, spec: RoomSpec) {
  return { apiVersion: 'roomcast.dev/v1alpha1', kind: 'Room', metadata: { name }, spec };
}

/** Runs kubectl in the test namespace; fails the test with kubectl's stderr if it fails. */
async function kubectl(args: string[], input?: string): Promise<string> {
  const result = await controlPlane.kubectl(['-n', NAMESPACE, ...args], { input });
  if (result.exitCode !== 0) {
    throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
  }
  return result.stdout;
}

/** Applies an object and returns kubectl's exit code and stderr, for refusals. */
async function tryApply(object: unknown) {
  const input = JSON.stringify(object);
  return controlPlane.kubectl(['-n', NAMESPACE, 'apply', '-f', '-'], { input });
}

async function getRoom(name: string) {
  return JSON.parse(await kubectl(['get', 'room', name, '-o', 'json']));
}

beforeAll(async () => {
  controlPlane = await startControlPlane();
  const install = await controlPlane.kubectl(['apply', '-f', CRD_PATH]);
  expect(install.stderr).toBe('');
  await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/rooms.roomcast.dev']);
  await controlPlane.kubectl(['create', 'namespace', NAMESPACE]);
}, START_TIMEOUT_MS);

afterAll(async () => {
  await controlPlane?.stop();
});

describe('Room CRD', () => {
  it(
    'room crd - is established with its names and short name',
    async () => {
      const crd = JSON.parse(await kubectl(['get', 'crd', 'rooms.roomcast.dev', '-o', 'json']));
      const established = crd.status.conditions.find(
        (c: { type: string }) => c.type === 'Established',
      );

      expect(established.status).toBe('True');
      expect(crd.status.acceptedNames).toMatchObject({ kind: 'Room', shortNames: ['rm'] });
      expect(await kubectl(['api-resources', '--api-group=roomcast.dev', '--no-headers'])).toMatch(
        /^rooms\s+rm\s+roomcast\.dev\/v1alpha1\s+true\s+Room/,
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'room - a minimal Room is accepted and its defaults are filled in',
    async () => {
      await kubectl(
        ['apply', '-f', '-'],
        JSON.stringify(room('lobby', { title: 'Lobby', owner: 'ada' })),
      );

      const { spec } = await getRoom('lobby');
      expect(spec).toEqual({
        title: 'Lobby',
        owner: 'ada',
        visibility: 'public',
        chat: { enabled: true, maxMessageLength: 500, slowModeSeconds: 0 },
        history: { retention: '72h' },
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'room - a fully specified Room is stored as written',
    async () => {
      const spec = {
        title: 'Launch party',
        description: 'The v2 launch, live.',
        owner: 'grace_h',
        visibility: 'unlisted',
        viewerLimit: 5000,
        tags: ['launch', 'v2'],
        chat: { enabled: false, maxMessageLength: 4000, slowModeSeconds: 3600 },
        history: { retention: '1h30m', maxEvents: 100000 },
      };
      await kubectl(['apply', '-f', '-'], JSON.stringify(room('launch-party', spec)));

      expect((await getRoom('launch-party')).spec).toEqual(spec);
    },
    TEST_TIMEOUT_MS,
  );

  const valid = { title: 'Valid', owner: 'ada' };
  const refusals: Array<{ why: string; name?: string; spec: RoomSpec; message: string }> = [
    { why: 'a blank title', spec: { ...valid, title: '   ' }, message: 'title must not be blank' },
    { why: 'no title', spec: { owner: 'ada' }, message: 'spec.title: Required value' },
    { why: 'no owner', spec: { title: 'x' }, message: 'spec.owner: Required value' },
    {
      why: 'an owner that is not a handle',
      spec: { ...valid, owner: 'Ada Lovelace' },
      message: 'owner must be a user handle',
    },
    {
      why: 'an unknown visibility',
      spec: { ...valid, visibility: 'secret' },
      message: 'spec.visibility: Unsupported value: "secret"',
    },
    {
      why: 'a message length above 4000',
      spec: { ...valid, chat: { maxMessageLength: 4001 } },
      message: 'spec.chat.maxMessageLength: Invalid value: 4001',
    },
    {
      why: 'a message length of 0',
      spec: { ...valid, chat: { maxMessageLength: 0 } },
      message: 'spec.chat.maxMessageLength: Invalid value: 0',
    },
    {
      why: 'slow mode above an hour',
      spec: { ...valid, chat: { slowModeSeconds: 3601 } },
      message: 'spec.chat.slowModeSeconds: Invalid value: 3601',
    },
    {
      why: 'a retention that is not a duration',
      spec: { ...valid, history: { retention: '3 days' } },
      message: 'history.retention must be a duration in hours, minutes and seconds',
    },
    {
      why: 'a retention above a year',
      spec: { ...valid, history: { retention: '9000h' } },
      message: 'history.retention must be between 1m and 8760h',
    },
    {
      why: 'a retention below a minute',
      spec: { ...valid, history: { retention: '30s' } },
      message: 'history.retention must be between 1m and 8760h',
    },
    {
      why: 'a viewer limit of 0',
      spec: { ...valid, viewerLimit: 0 },
      message: 'spec.viewerLimit: Invalid value: 0',
    },
    {
      why: 'a tag with spaces',
      spec: { ...valid, tags: ['Launch Day'] },
      message: 'each tag must be 1 to 32 lowercase letters',
    },
    {
      why: 'a duplicated tag',
      spec: { ...valid, tags: ['a', 'a'] },
      message: 'Duplicate value: "a"',
    },
    {
      why: 'a misspelt field',
      spec: { ...valid, viewerLimt: 10 },
      message: 'unknown field "spec.viewerLimt"',
    },
    {
      why: 'a name that is not a slug',
      name: 'lobby.main',
      spec: valid,
      message: 'metadata.name must be at most 63 lowercase letters',
    },
  ];

  it.each(refusals)(
    'room - refuses $why with a message saying so',
    async ({ name, spec, message }) => {
      const result = await tryApply(room(name ?? 'refused', spec));

      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain(message);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'room - the owner cannot be changed after creation',
    async () => {
      await kubectl(
        ['apply', '-f', '-'],
        JSON.stringify(room('owned', { title: 'Owned', owner: 'ada' })),
      );

      const result = await tryApply(room('owned', { title: 'Owned', owner: 'grace' }));

      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain('owner is immutable');
      expect((await getRoom('owned')).spec.owner).toBe('ada');
    },
    TEST_TIMEOUT_MS,
  );
});

describe('Room status subresource', () => {
  const status = {
    observedGeneration: 1,
    roomId: 'room_01HZX3',
    liveSessionId: 'sess_42',
    viewerCount: 17,
    archived: false,
    conditions: [
      condition('Ready', 'True', 'Reconciled'),
      condition('RoomSynced', 'True', 'RoomUpToDate'),
      condition('StreamReady', 'True', 'StreamConfigured'),
    ],
  };

  beforeAll(async () => {
    await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify(room('stage', { title: 'Main stage', owner: 'ada' })),
    );
  }, TEST_TIMEOUT_MS);

  it(
    'status - is written through the status subresource without touching spec or generation',
    async () => {
      const patch = JSON.stringify({ status, spec: { title: 'Sneaky' } });
      await kubectl([
        'patch',
        'room',
        'stage',
        '--subresource=status',
        '--type=merge',
        '-p',
        patch,
      ]);

      const stored = await getRoom('stage');
      expect(stored.status).toEqual(status);
      expect(stored.spec.title).toBe('Main stage');
      expect(stored.metadata.generation).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'status - is ignored when written through the main resource',
    async () => {
      const patch = JSON.stringify({ status: { viewerCount: 99 } });
      await kubectl(['patch', 'room', 'stage', '--type=merge', '-p', patch]);

      expect((await getRoom('stage')).status.viewerCount).toBe(17);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'status - refuses a condition with an unknown status value',
    async () => {
      const bad = { conditions: [{ ...condition('Ready', 'True', 'Reconciled'), status: 'Yes' }] };
      const result = await controlPlane.kubectl([
        ...['-n', NAMESPACE, 'patch', 'room', 'stage', '--subresource=status', '--type=merge'],
        ...['-p', JSON.stringify({ status: bad })],
      ]);

      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain('Unsupported value: "Yes"');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'kubectl get rooms - shows title, owner, readiness, room id and viewers',
    async () => {
      const table = await kubectl(['get', 'rooms']);
      const [header, ...rows] = table.trim().split('\n');
      const stage = rows.find((row) => row.startsWith('stage '));

      expect(header).toMatch(/^NAME\s+TITLE\s+OWNER\s+READY\s+ROOM ID\s+VIEWERS\s+AGE$/);
      expect(stage).toMatch(/^stage\s+Main stage\s+ada\s+True\s+room_01HZX3\s+17\s+\d+s$/);
      expect(await kubectl(['get', 'rm', 'stage', '--no-headers'])).toMatch(/^stage\s+Main stage/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'kubectl explain - reads the schema descriptions',
    async () => {
      const explained = await kubectl(['explain', 'rooms.spec.chat.slowModeSeconds']);

      expect(explained).toContain('Seconds a viewer must wait between two chat messages');
    },
    TEST_TIMEOUT_MS,
  );
});

function condition(type: string, status: string, reason: string) {
  return {
    type,
    status,
    reason,
    message: `${type} is ${status}`,
    observedGeneration: 1,
    lastTransitionTime: '2026-01-01T00:00:00Z',
  };
}

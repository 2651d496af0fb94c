/**
 * The Room reconcile loop against a real kube-apiserver, the real Room service (in-process, on
 * real PostgreSQL) and real NATS JetStream: apply, edit, delete, outages and the escape hatch.
 */
import { connect, type KV, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ROOM_HISTORY_BUCKET, type RoomHistoryPolicy } from '../src/room-history.js';
import type { RunningOperator } from '../src/operator.js';
import { startOperatorEnv, type OperatorEnv } from './support/operator-env.js';
import {
  conditionOf,
  eventReasons,
  getApiRoom,
  isReady,
  readRoom,
  roomManifest,
  roomsWithSlug,
} from './support/rooms.js';
import { eventually, recordEvents } from './support/wait.js';
import { callUnary } from '@roomcast/kit';

const NS = 'team-a';
const START_TIMEOUT_MS = 180_000;
const CLEANUP_MAX_ATTEMPTS = 3;

let env: OperatorEnv;
let operator: RunningOperator;
let nc: NatsConnection;
let kv: KV;

beforeAll(async () => {
  env = await startOperatorEnv();
  await env.kubectl(['create', 'namespace', NS]);
  operator = await env.startOperator({ cleanupMaxAttempts: CLEANUP_MAX_ATTEMPTS });
  nc = await connect({ servers: env.infra.nats.url });
  kv = await nc.jetstream().views.kv(ROOM_HISTORY_BUCKET, { history: 1 });
}, START_TIMEOUT_MS);

afterAll(async () => {
  await nc?.close();
  await env?.stop();
});

async function apply(
  name: string,
  spec: Record<string, unknown>,
  annotations?: Record<string, string>,
) {
  await env.kubectl(['apply', '-f', '-'], roomManifest(NS, name, spec, annotations));
}

async function readyRoom(name: string, timeoutMs = 15_000) {
  return eventually(
    `Room ${name} to be Ready`,
    async () => {
      const room = await readRoom(env, NS, name);
      return isReady(room) ? room : undefined;
    },
    timeoutMs,
  );
}

async function historyPolicy(roomId: string): Promise<RoomHistoryPolicy | undefined> {
  const entry = await kv.get(roomId);
  if (!entry || entry.operation !== 'PUT') return undefined;
  return entry.json<RoomHistoryPolicy>();
}

describe('Room reconcile', () => {
  it('room - an applied Room exists in the Room service and turns Ready with its id', async () => {
    const startedAt = Date.now();
    await apply('lobby', {
      title: 'The Lobby',
      owner: 'ada-l',
      chat: { maxMessageLength: 280, slowModeSeconds: 5 },
      history: { retention: '24h', maxEvents: 5000 },
    });

    const room = await readyRoom('lobby', 10_000);
    const readyInMs = Date.now() - startedAt;
    const roomId = room.status!.roomId!;
    const apiRoom = await getApiRoom(env.rooms, roomId);

    expect(readyInMs).toBeLessThan(10_000);
    expect(apiRoom).toMatchObject({
      slug: 'team-a-lobby',
      title: 'The Lobby',
      owner: 'ada-l',
      chat: { maxMessageLength: 280, slowModeSeconds: 5 },
      archived: false,
    });
    expect(room.metadata.finalizers).toContain('roomcast.dev/cleanup');
    expect(conditionOf(room, 'RoomSynced')).toMatchObject({
      status: 'True',
      reason: 'RoomUpToDate',
    });
    expect(conditionOf(room, 'StreamReady')).toMatchObject({
      status: 'True',
      reason: 'StreamConfigured',
    });
    expect(await historyPolicy(roomId)).toEqual({
      roomId,
      slug: 'team-a-lobby',
      resource: 'team-a/lobby',
      retention: '24h',
      retentionMs: 24 * 3_600_000,
      maxEvents: 5000,
    });
    expect(await eventReasons(env, NS, 'Room', 'lobby')).toContain('RoomCreated');
  });

  it('room - an edited spec shows through RoomService.GetRoom and in the history policy', async () => {
    const before = await readyRoom('lobby');
    const patch = {
      spec: {
        title: 'The Grand Lobby',
        chat: { slowModeSeconds: 30 },
        history: { retention: '1h' },
      },
    };
    await env.kubectl([
      '-n',
      NS,
      'patch',
      'room',
      'lobby',
      '--type=merge',
      '-p',
      JSON.stringify(patch),
    ]);

    const roomId = before.status!.roomId!;
    const apiRoom = await eventually('the title change in the Room service', async () => {
      const current = await getApiRoom(env.rooms, roomId);
      return current.title === 'The Grand Lobby' ? current : undefined;
    });
    const after = await readyRoom('lobby');

    expect(apiRoom.chat).toEqual({ maxMessageLength: 280, slowModeSeconds: 30 });
    expect(after.status?.roomId).toBe(roomId);
    expect(after.status?.observedGeneration).toBe(before.metadata.generation! + 1);
    expect((await historyPolicy(roomId))?.retention).toBe('1h');
    expect(await roomsWithSlug(env.rooms, 'team-a-lobby')).toHaveLength(1);
    expect(await eventReasons(env, NS, 'Room', 'lobby')).toContain('RoomUpdated');
  });

  it('room - deleting a Room archives the room, removes its stream state and lets the object go', async () => {
    const roomId = (await readyRoom('lobby')).status!.roomId!;

    await env.kubectl(['-n', NS, 'delete', 'room', 'lobby', '--wait=false']);

    await eventually('the Room object to be gone', async () => !(await readRoom(env, NS, 'lobby')));
    expect((await getApiRoom(env.rooms, roomId)).archived).toBe(true);
    expect(await kv.get(roomId)).toBeNull();
    expect(await eventReasons(env, NS, 'Room', 'lobby')).toContain('RoomArchived');
  });

  it('room - a room already in the Room service under its slug is taken over, not duplicated', async () => {
    const existing = await callUnary(env.rooms, env.rooms.createRoom, {
      slug: 'team-a-stage',
      title: 'Made by hand',
      owner: 'grace',
      chat: { maxMessageLength: 500, slowModeSeconds: 0 },
    });

    await apply('stage', { title: 'Main stage', owner: 'grace' });

    const room = await readyRoom('stage');
    expect(room.status?.roomId).toBe(existing.id);
    expect(await roomsWithSlug(env.rooms, 'team-a-stage')).toHaveLength(1);
    expect((await getApiRoom(env.rooms, existing.id)).title).toBe('Main stage');
  });

  it('room - applied while the Room service is down, it becomes Ready on its own when it returns', async () => {
    await env.stopRoomService();
    try {
      await apply('outage', { title: 'Outage', owner: 'ada-l' });

      const waiting = await eventually('RoomSynced=False RoomServiceUnavailable', async () => {
        const room = await readRoom(env, NS, 'outage');
        return conditionOf(room, 'RoomSynced')?.reason === 'RoomServiceUnavailable'
          ? room
          : undefined;
      });
      expect(conditionOf(waiting, 'Ready')).toMatchObject({
        status: 'False',
        reason: 'RoomServiceUnavailable',
      });
      expect(await eventReasons(env, NS, 'Room', 'outage')).toContain('RoomServiceUnavailable');
    } finally {
      await env.startRoomService();
    }

    const room = await readyRoom('outage', 20_000);
    expect((await getApiRoom(env.rooms, room.status!.roomId!)).slug).toBe('team-a-outage');
  });

  it('room - the skip-cleanup annotation lets a Room go at once, with a Warning, room untouched', async () => {
    const roomId = (await readyRoom('outage')).status!.roomId!;
    await env.stopRoomService();
    try {
      await env.kubectl(['-n', NS, 'annotate', 'room', 'outage', 'roomcast.dev/skip-cleanup=true']);
      await env.kubectl(['-n', NS, 'delete', 'room', 'outage', '--wait=false']);

      await eventually(
        'the Room object to be gone',
        async () => !(await readRoom(env, NS, 'outage')),
      );
      expect(await eventReasons(env, NS, 'Room', 'outage')).toContain('CleanupSkipped');
    } finally {
      await env.startRoomService();
    }
    expect((await getApiRoom(env.rooms, roomId)).archived).toBe(false);
  });

  it('room - deletion gives up after the bounded number of failed cleanups, with a Warning', async () => {
    const roomId = (await readyRoom('stage')).status!.roomId!;
    const seen = recordEvents(operator.events);
    await env.stopRoomService();
    try {
      await env.kubectl(['-n', NS, 'delete', 'room', 'stage', '--wait=false']);

      await eventually(
        'the Room object to be gone',
        async () => !(await readRoom(env, NS, 'stage')),
        30_000,
      );
      expect(await eventReasons(env, NS, 'Room', 'stage')).toContain('CleanupAbandoned');
      const retries = seen.flatMap((event) =>
        event.type === 'reconcile-failed' && event.key === `${NS}/stage` ? [event.retryInMs] : [],
      );
      // Attempts 1 and 2 fail and back off (100 ms, then 200 ms, ±20 %); attempt 3 gives up.
      expect(retries).toHaveLength(CLEANUP_MAX_ATTEMPTS - 1);
      expect(retries[1]!).toBeGreaterThan(retries[0]!);
      expect(seen).toContainEqual({ type: 'cleanup-skipped', key: `${NS}/stage`, why: 'failures' });
    } finally {
      await env.startRoomService();
    }
    expect((await getApiRoom(env.rooms, roomId)).archived).toBe(false);
    expect(operator.isLeader()).toBe(true);
  });

  it('room - rapid edits converge on the last spec; conflicts are retried, never fatal', async () => {
    await apply('busy', { title: 'Busy 0', owner: 'ada-l' });
    for (let i = 1; i <= 8; i++) {
      const patch = JSON.stringify({ spec: { title: `Busy ${i}` } });
      await env.kubectl(['-n', NS, 'patch', 'room', 'busy', '--type=merge', '-p', patch]);
    }

    const room = await readyRoom('busy');
    expect(room.metadata.generation).toBe(9);
    expect((await getApiRoom(env.rooms, room.status!.roomId!)).title).toBe('Busy 8');
  });
});

import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { startInfra, type Infra } from '@roomcast/harness';
import {
  callUnary,
  connectClient,
  startService,
  type Logger,
  type RunningService,
} from '@roomcast/kit';
import { roomService } from '@roomcast/room';
import {
  RoomServiceClient,
  SessionServiceClient,
  type GetRoomRequest,
  type Room,
} from '@roomcast/proto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RoomDirectory } from '../src/room-directory.js';
import { sessionService } from '../src/index.js';
import { expectRefused } from './session-fixture.js';

const BASE = { bindHost: '127.0.0.1', grpcPort: 0, metricsPort: 0, shutdownGraceMs: 1_000 };

/** A Room client at the network edge that answers from a room, or fails while `down`. */
function flakyRoomClient(room: Room) {
  const state = { down: false, calls: 0 };
  const client = {
    getRoom(
      _request: GetRoomRequest,
      _metadata: Metadata,
      _options: unknown,
      callback: (error: ServiceError | null, room?: Room) => void,
    ) {
      state.calls += 1;
      if (!state.down) return callback(null, room);
      const error = Object.assign(new Error('connect ECONNREFUSED'), {
        code: GrpcStatus.UNAVAILABLE,
        details: 'connect ECONNREFUSED',
        metadata: new Metadata(),
      });
      callback(error);
    },
  } as unknown as RoomServiceClient;
  return { client, state };
}

const ROOM: Room = {
  id: '1',
  slug: 'r',
  title: 'R',
  owner: 'o',
  chat: { maxMessageLength: 300, slowModeSeconds: 0 },
  archived: false,
};

describe('room directory while Room is unreachable', () => {
  it('room directory - serves the last known chat settings for up to the stale window', async () => {
    const { client, state } = flakyRoomClient(ROOM);
    const warn = vi.fn();
    let now = 0;
    const rooms = new RoomDirectory({
      client,
      cacheMs: 5_000,
      deadlineMs: 1_000,
      staleIfErrorMs: 300_000,
      log: { warn } as unknown as Logger,
      now: () => now,
    });
    await rooms.chatSettings('1');

    state.down = true;
    now = 6_000;
    expect(await rooms.chatSettings('1')).toEqual(ROOM.chat);
    now = 300_000;
    expect(await rooms.chatSettings('1')).toEqual(ROOM.chat);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(state.calls).toBe(3);

    now = 300_001;
    await expect(rooms.chatSettings('1')).rejects.toMatchObject({
      code: 'ROOM_SERVICE_UNAVAILABLE',
    });
  });

  it('room directory - never answers a room it has not seen, nor a start, from memory', async () => {
    const { client, state } = flakyRoomClient(ROOM);
    const rooms = new RoomDirectory({ client, cacheMs: 0, deadlineMs: 1_000 });
    await rooms.chatSettings('1');
    state.down = true;

    await expect(rooms.chatSettings('2')).rejects.toMatchObject({
      code: 'ROOM_SERVICE_UNAVAILABLE',
    });
    await expect(rooms.fetch('1')).rejects.toMatchObject({ code: 'ROOM_SERVICE_UNAVAILABLE' });
  });

  it('room directory - warns again after Room came back and went away once more', async () => {
    const { client, state } = flakyRoomClient(ROOM);
    const warn = vi.fn();
    const log = { warn } as unknown as Logger;
    const rooms = new RoomDirectory({ client, cacheMs: 0, deadlineMs: 1_000, log });
    await rooms.chatSettings('1');

    state.down = true;
    await rooms.chatSettings('1');
    await rooms.chatSettings('1');
    state.down = false;
    await rooms.chatSettings('1');
    state.down = true;
    await rooms.chatSettings('1');
    expect(warn).toHaveBeenCalledTimes(2);
  });
});

describe('session while the Room service is stopped', () => {
  let infra: Infra;
  let room: RunningService;
  let session: RunningService;
  let rooms: RoomServiceClient;
  let sessions: SessionServiceClient;

  beforeAll(async () => {
    infra = await startInfra();
    room = await startService(roomService({ ...BASE, databaseUrl: infra.postgres.url }));
    rooms = connectClient(RoomServiceClient, `127.0.0.1:${room.grpcPort}`);
    session = await startService(
      sessionService({
        ...BASE,
        databaseUrl: infra.postgres.url,
        redisUrl: infra.redis.url,
        natsUrl: infra.nats.url,
        roomServiceAddr: `127.0.0.1:${room.grpcPort}`,
        roomCacheMs: 0,
        roomStaleIfErrorMs: 300_000,
        roomDeadlineMs: 1_000,
        publishTimeoutMs: 2_000,
      }),
    );
    sessions = connectClient(SessionServiceClient, `127.0.0.1:${session.grpcPort}`);
  });
  afterAll(async () => {
    sessions?.close();
    rooms?.close();
    await session?.stop();
    await infra?.stop();
  });

  it('session - keeps accepting chat in a live session with its last known limits', async () => {
    const created = await callUnary(rooms, rooms.createRoom, {
      slug: 'outage-room',
      title: 'Outage',
      owner: 'host',
      chat: { maxMessageLength: 5, slowModeSeconds: 0 },
    });
    const other = await callUnary(rooms, rooms.createRoom, {
      slug: 'other-room',
      title: 'Other',
      owner: 'host',
    });
    const live = await callUnary(sessions, sessions.startSession, {
      roomId: created.id,
      title: '',
    });
    const post = (text: string) =>
      callUnary(sessions, sessions.postChatMessage, { sessionId: live.id, userId: '7', text });
    await post('hello');

    await room.stop();

    expect((await post('still')).eventId).toMatch(/^[0-9a-f-]{36}$/);
    await expectRefused(post('too long'), GrpcStatus.INVALID_ARGUMENT, 'MESSAGE_TOO_LONG');
    await expectRefused(
      callUnary(sessions, sessions.startSession, { roomId: other.id, title: '' }),
      GrpcStatus.UNAVAILABLE,
      'ROOM_SERVICE_UNAVAILABLE',
    );
  });
});

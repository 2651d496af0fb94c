import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { RoomcastError } from '@roomcast/kit';
import type { GetRoomRequest, Room, RoomServiceClient } from '@roomcast/proto';
import { describe, expect, it } from 'vitest';
import { RoomDirectory } from '../src/room-directory.js';

/** A stand-in for the Room client at the network edge: answers GetRoom from a function. */
function fakeRoomClient(answer: (roomId: string) => Room | ServiceError) {
  const calls: string[] = [];
  const client = {
    getRoom(
      request: GetRoomRequest,
      _metadata: Metadata,
      _options: unknown,
      callback: (error: ServiceError | null, room?: Room) => void,
    ) {
      calls.push(request.roomId);
      const result = answer(request.roomId);
      if (result instanceof Error) callback(result);
      else callback(null, result);
    },
  } as unknown as RoomServiceClient;
  return { client, calls };
}

function grpcError(code: GrpcStatus): ServiceError {
  return Object.assign(new Error('fake'), { code, details: 'fake', metadata: new Metadata() });
}

const room = (maxMessageLength: number): Room => ({
  id: '1',
  slug: 'r',
  title: 'R',
  owner: 'o',
  chat: { maxMessageLength, slowModeSeconds: 0 },
  archived: false,
});

describe('room directory', () => {
  it('room directory - reuses chat settings until the cache time passes', async () => {
    let length = 100;
    const { client, calls } = fakeRoomClient(() => room(length));
    let now = 0;
    const rooms = new RoomDirectory({ client, cacheMs: 5_000, deadlineMs: 1_000, now: () => now });

    expect((await rooms.chatSettings('1')).maxMessageLength).toBe(100);
    length = 200;
    now = 4_999;
    expect((await rooms.chatSettings('1')).maxMessageLength).toBe(100);
    now = 5_000;
    expect((await rooms.chatSettings('1')).maxMessageLength).toBe(200);
    expect(calls).toEqual(['1', '1']);
  });

  it('room directory - always asks Room when fetching a room to start a session', async () => {
    const { client, calls } = fakeRoomClient(() => room(100));
    const rooms = new RoomDirectory({ client, cacheMs: 5_000, deadlineMs: 1_000 });
    await rooms.fetch('1');
    await rooms.fetch('1');
    expect(calls).toHaveLength(2);
  });

  it('room directory - turns Room errors into ROOM_NOT_FOUND and UNAVAILABLE', async () => {
    for (const [status, kind, code] of [
      [GrpcStatus.NOT_FOUND, 'notFound', 'ROOM_NOT_FOUND'],
      [GrpcStatus.UNAVAILABLE, 'unavailable', 'ROOM_SERVICE_UNAVAILABLE'],
      [GrpcStatus.DEADLINE_EXCEEDED, 'unavailable', 'ROOM_SERVICE_UNAVAILABLE'],
    ] as const) {
      const { client } = fakeRoomClient(() => grpcError(status));
      const rooms = new RoomDirectory({ client, cacheMs: 0, deadlineMs: 1_000 });
      const caught = await rooms.fetch('9').catch((error: unknown) => error);
      expect(caught).toBeInstanceOf(RoomcastError);
      expect(caught).toMatchObject({ kind, code });
    }
  });
});

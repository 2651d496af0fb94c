import { status as GrpcStatus } from '@grpc/grpc-js';
import { callUnary } from '@roomcast/kit';
import type { Room, RoomServiceClient } from '@roomcast/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefused, startRoomFixture, type RoomFixture } from './room-fixture.js';

let fixture: RoomFixture;
let client: RoomServiceClient;

beforeAll(async () => {
  fixture = await startRoomFixture();
  client = fixture.client;
});
afterAll(() => fixture?.stop());

let slugCounter = 0;
function createRoom(fields: Partial<Room> = {}): Promise<Room> {
  slugCounter += 1;
  return callUnary(client, client.createRoom, {
    slug: `room-${slugCounter}`,
    title: 'Friday night',
    owner: 'dj-mia',
    ...fields,
  });
}

describe('room service', () => {
  it('room - creates a room with default chat settings and reads it back', async () => {
    const created = await createRoom({ slug: 'first-room', title: '  Late show 🌙  ' });
    expect(created).toMatchObject({
      slug: 'first-room',
      title: 'Late show 🌙',
      owner: 'dj-mia',
      chat: { maxMessageLength: 500, slowModeSeconds: 0 },
      archived: false,
    });
    expect(created.id).toMatch(/^\d+$/);

    const read = await callUnary(client, client.getRoom, { roomId: created.id });
    expect(read).toEqual(created);
  });

  it('room - refuses a second room with a taken slug', async () => {
    await createRoom({ slug: 'taken-slug' });
    const message = await expectRefused(
      createRoom({ slug: 'taken-slug' }),
      GrpcStatus.ALREADY_EXISTS,
      'ROOM_SLUG_TAKEN',
    );
    expect(message).toContain('taken-slug');
  });

  it('room - reports an unknown room as ROOM_NOT_FOUND', async () => {
    await expectRefused(
      callUnary(client, client.getRoom, { roomId: '999999' }),
      GrpcStatus.NOT_FOUND,
      'ROOM_NOT_FOUND',
    );
  });

  it('room - updates only the fields given and keeps the others', async () => {
    const room = await createRoom({ chat: { maxMessageLength: 100, slowModeSeconds: 3 } });

    const retitled = await callUnary(client, client.updateRoom, {
      roomId: room.id,
      title: 'Renamed',
    });
    expect(retitled).toMatchObject({ title: 'Renamed', owner: 'dj-mia', chat: room.chat });
    expect(retitled.updateTime!.getTime()).toBeGreaterThanOrEqual(room.updateTime!.getTime());

    const rechatted = await callUnary(client, client.updateRoom, {
      roomId: room.id,
      owner: 'new-owner',
      chat: { maxMessageLength: 0, slowModeSeconds: 10 },
    });
    // A chat field at 0 is a field left unset: the room keeps its limit of 100.
    expect(rechatted).toMatchObject({
      title: 'Renamed',
      owner: 'new-owner',
      chat: { maxMessageLength: 100, slowModeSeconds: 10 },
    });
  });

  it('room - archives idempotently and refuses to update an archived room', async () => {
    const room = await createRoom();
    const archived = await callUnary(client, client.archiveRoom, { roomId: room.id });
    expect(archived.archived).toBe(true);

    const again = await callUnary(client, client.archiveRoom, { roomId: room.id });
    expect(again).toEqual(archived);

    await expectRefused(
      callUnary(client, client.updateRoom, { roomId: room.id, title: 'Too late' }),
      GrpcStatus.FAILED_PRECONDITION,
      'ROOM_ARCHIVED',
    );
    const read = await callUnary(client, client.getRoom, { roomId: room.id });
    expect(read.title).toBe(room.title);
  });

  it('room - pages through rooms with a cursor and hides archived rooms by default', async () => {
    const owner = 'pager';
    const rooms = [];
    for (let i = 0; i < 5; i += 1) rooms.push(await createRoom({ owner }));
    await callUnary(client, client.archiveRoom, { roomId: rooms[2]!.id });

    const seen = await listAll({ includeArchived: false });
    const mine = seen.filter((room) => room.owner === owner).map((room) => room.id);
    expect(mine).toEqual([rooms[0]!.id, rooms[1]!.id, rooms[3]!.id, rooms[4]!.id]);

    const all = await listAll({ includeArchived: true });
    expect(all.filter((room) => room.owner === owner)).toHaveLength(5);
    const ids = all.map((room) => BigInt(room.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('room - finds a room by slug, archived only when asked', async () => {
    const room = await createRoom({ slug: 'by-slug' });
    const found = await callUnary(client, client.listRooms, {
      slug: 'by-slug',
      pageSize: 0,
      pageToken: '',
      includeArchived: false,
    });
    expect(found.rooms.map((r) => r.id)).toEqual([room.id]);

    await callUnary(client, client.archiveRoom, { roomId: room.id });
    const hidden = await callUnary(client, client.listRooms, {
      slug: 'by-slug',
      pageSize: 0,
      pageToken: '',
      includeArchived: false,
    });
    expect(hidden.rooms).toEqual([]);
  });
});

async function listAll(options: { includeArchived: boolean }): Promise<Room[]> {
  const rooms: Room[] = [];
  let pageToken = '';
  let pages = 0;
  do {
    const page = await callUnary(client, client.listRooms, {
      pageSize: 2,
      pageToken,
      slug: '',
      includeArchived: options.includeArchived,
    });
    expect(page.rooms.length).toBeLessThanOrEqual(2);
    rooms.push(...page.rooms);
    pageToken = page.nextPageToken;
    pages += 1;
  } while (pageToken && pages < 100);
  return rooms;
}

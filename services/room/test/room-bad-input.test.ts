import { status as GrpcStatus } from '@grpc/grpc-js';
import { callUnary } from '@roomcast/kit';
import type { RoomServiceClient } from '@roomcast/proto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectRefused, startRoomFixture, type RoomFixture } from './room-fixture.js';

let fixture: RoomFixture;
let client: RoomServiceClient;
let roomId: string;

beforeAll(async () => {
  fixture = await startRoomFixture();
  client = fixture.client;
  const room = await callUnary(client, client.createRoom, {
    slug: 'valid-room',
    title: 'Valid',
    owner: 'owner',
  });
  roomId = room.id;
});
afterAll(() => fixture?.stop());

const good = { slug: 'some-room', title: 'A room', owner: 'owner' };
const INVALID = GrpcStatus.INVALID_ARGUMENT;

interface BadInput {
  name: string;
  call: () => Promise<unknown>;
  code: string;
}

const cases: BadInput[] = [
  { name: 'CreateRoom with an empty slug', call: () => create({ slug: '' }), code: 'INVALID_SLUG' },
  {
    name: 'CreateRoom with a 2-char slug',
    call: () => create({ slug: 'ab' }),
    code: 'INVALID_SLUG',
  },
  {
    name: 'CreateRoom with a dash-led slug',
    call: () => create({ slug: '-ab' }),
    code: 'INVALID_SLUG',
  },
  {
    name: 'CreateRoom with a dash-ended slug',
    call: () => create({ slug: 'ab-' }),
    code: 'INVALID_SLUG',
  },
  { name: 'CreateRoom with uppercase', call: () => create({ slug: 'Room' }), code: 'INVALID_SLUG' },
  {
    name: 'CreateRoom with a 64-char slug',
    call: () => create({ slug: 'a'.repeat(64) }),
    code: 'INVALID_SLUG',
  },
  {
    name: 'CreateRoom with an empty title',
    call: () => create({ title: '' }),
    code: 'INVALID_TITLE',
  },
  {
    name: 'CreateRoom with a blank title',
    call: () => create({ title: ' \t ' }),
    code: 'INVALID_TITLE',
  },
  {
    name: 'CreateRoom with a 201-char title',
    call: () => create({ title: 'x'.repeat(201) }),
    code: 'INVALID_TITLE',
  },
  { name: 'CreateRoom with no owner', call: () => create({ owner: '' }), code: 'INVALID_OWNER' },
  {
    name: 'CreateRoom with a bad owner',
    call: () => create({ owner: 'Not A Handle' }),
    code: 'INVALID_OWNER',
  },
  {
    name: 'CreateRoom with a negative message length',
    call: () => create({ chat: { maxMessageLength: -5, slowModeSeconds: 0 } }),
    code: 'INVALID_CHAT_SETTINGS',
  },
  {
    name: 'CreateRoom with a message length above 4000',
    call: () => create({ chat: { maxMessageLength: 4001, slowModeSeconds: 0 } }),
    code: 'INVALID_CHAT_SETTINGS',
  },
  {
    name: 'CreateRoom with slow mode above an hour',
    call: () => create({ chat: { maxMessageLength: 0, slowModeSeconds: 3601 } }),
    code: 'INVALID_CHAT_SETTINGS',
  },
  {
    name: 'CreateRoom with negative slow mode',
    call: () => create({ chat: { maxMessageLength: 0, slowModeSeconds: -1 } }),
    code: 'INVALID_CHAT_SETTINGS',
  },
  { name: 'GetRoom with no id', call: () => get(''), code: 'INVALID_ID' },
  { name: 'GetRoom with id 0', call: () => get('0'), code: 'INVALID_ID' },
  { name: 'GetRoom with a negative id', call: () => get('-3'), code: 'INVALID_ID' },
  {
    name: 'ListRooms with a negative page size',
    call: () => list({ pageSize: -1 }),
    code: 'INVALID_PAGE_SIZE',
  },
  {
    name: 'ListRooms with a page size of 201',
    call: () => list({ pageSize: 201 }),
    code: 'INVALID_PAGE_SIZE',
  },
  {
    name: 'ListRooms with a forged page token',
    call: () => list({ pageToken: 'bm9wZQ' }),
    code: 'INVALID_PAGE_TOKEN',
  },
  {
    name: 'ListRooms with a bad slug filter',
    call: () => list({ slug: 'NO' }),
    code: 'INVALID_SLUG',
  },
  { name: 'UpdateRoom with no id', call: () => update({ roomId: '' }), code: 'INVALID_ID' },
  {
    name: 'UpdateRoom with a blank title',
    call: () => update({ title: '   ' }),
    code: 'INVALID_TITLE',
  },
  {
    name: 'UpdateRoom with an empty title',
    call: () => update({ title: '' }),
    code: 'INVALID_TITLE',
  },
  {
    name: 'UpdateRoom with a bad owner',
    call: () => update({ owner: 'x' }),
    code: 'INVALID_OWNER',
  },
  {
    name: 'UpdateRoom with bad chat settings',
    call: () => update({ chat: { maxMessageLength: 5000, slowModeSeconds: 0 } }),
    code: 'INVALID_CHAT_SETTINGS',
  },
  { name: 'ArchiveRoom with no id', call: () => archive(''), code: 'INVALID_ID' },
  { name: 'ArchiveRoom with a negative id', call: () => archive('-1'), code: 'INVALID_ID' },
];

describe('room bad input', () => {
  it.each(cases)('room - refuses $name as $code', async ({ call, code }) => {
    await expectRefused(call(), INVALID, code);
  });

  it('room - refuses updating and archiving rooms that do not exist', async () => {
    await expectRefused(update({ roomId: '424242' }), GrpcStatus.NOT_FOUND, 'ROOM_NOT_FOUND');
    await expectRefused(archive('424242'), GrpcStatus.NOT_FOUND, 'ROOM_NOT_FOUND');
  });
});

function create(
  fields: Partial<typeof good & { chat: { maxMessageLength: number; slowModeSeconds: number } }>,
) {
  return callUnary(client, client.createRoom, { ...good, ...fields });
}

function get(id: string) {
  return callUnary(client, client.getRoom, { roomId: id });
}

function list(fields: { pageSize?: number; pageToken?: string; slug?: string }) {
  return callUnary(client, client.listRooms, {
    pageSize: 0,
    pageToken: '',
    slug: '',
    includeArchived: false,
    ...fields,
  });
}

function update(fields: {
  roomId?: string;
  title?: string;
  owner?: string;
  chat?: { maxMessageLength: number; slowModeSeconds: number };
}) {
  return callUnary(client, client.updateRoom, { roomId, ...fields });
}

function archive(id: string) {
  return callUnary(client, client.archiveRoom, { roomId: id });
}

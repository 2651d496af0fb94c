import { status as GrpcStatus } from '@grpc/grpc-js';
import { callUnary } from '@roomcast/kit';
import type { ChatSettings, Room } from '@roomcast/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkChatChanges, SLOW_MODE_OFF } from '../src/room-rules.js';
import { expectRefused, startRoomFixture, type RoomFixture } from './room-fixture.js';

let fixture: RoomFixture;
beforeAll(async () => {
  fixture = await startRoomFixture();
});
afterAll(() => fixture?.stop());

let slugs = 0;
function createRoom(chat: ChatSettings): Promise<Room> {
  slugs += 1;
  const { client } = fixture;
  return callUnary(client, client.createRoom, {
    slug: `partial-${slugs}`,
    title: 'Partial updates',
    owner: 'dj-mia',
    chat,
  });
}

/** UpdateRoom with only a chat object, as a PATCH with {"chat": {...}} arrives after transcoding. */
function updateChat(roomId: string, chat: Partial<ChatSettings>): Promise<Room> {
  const { client } = fixture;
  return callUnary(client, client.updateRoom, {
    roomId,
    chat: { maxMessageLength: 0, slowModeSeconds: 0, ...chat },
  });
}

describe('room chat settings in UpdateRoom', () => {
  it('room - keeps the message limit when an update sets only slow mode', async () => {
    const room = await createRoom({ maxMessageLength: 300, slowModeSeconds: 0 });

    const updated = await updateChat(room.id, { slowModeSeconds: 2 });

    expect(updated.chat).toEqual({ maxMessageLength: 300, slowModeSeconds: 2 });
    const read = await callUnary(fixture.client, fixture.client.getRoom, { roomId: room.id });
    expect(read.chat).toEqual({ maxMessageLength: 300, slowModeSeconds: 2 });
  });

  it('room - keeps slow mode when an update sets only the message limit', async () => {
    const room = await createRoom({ maxMessageLength: 300, slowModeSeconds: 7 });

    const updated = await updateChat(room.id, { maxMessageLength: 120 });

    expect(updated.chat).toEqual({ maxMessageLength: 120, slowModeSeconds: 7 });
  });

  it('room - turns slow mode off with -1 and keeps everything for an empty chat object', async () => {
    const room = await createRoom({ maxMessageLength: 300, slowModeSeconds: 7 });

    expect((await updateChat(room.id, {})).chat).toEqual(room.chat);
    const off = await updateChat(room.id, { slowModeSeconds: SLOW_MODE_OFF });
    expect(off.chat).toEqual({ maxMessageLength: 300, slowModeSeconds: 0 });
  });

  it('room - refuses slow mode below -1 and names the rule for 0 and -1', async () => {
    const room = await createRoom({ maxMessageLength: 300, slowModeSeconds: 7 });

    const message = await expectRefused(
      updateChat(room.id, { slowModeSeconds: -2 }),
      GrpcStatus.INVALID_ARGUMENT,
      'INVALID_CHAT_SETTINGS',
    );
    expect(message).toContain('-1 to turn slow mode off, or 0 to keep');
    await expectRefused(
      updateChat(room.id, { maxMessageLength: -1 }),
      GrpcStatus.INVALID_ARGUMENT,
      'INVALID_CHAT_SETTINGS',
    );
  });

  it('room rules - reads 0 as keep and -1 as slow mode off', () => {
    expect(checkChatChanges({ maxMessageLength: 0, slowModeSeconds: 0 })).toEqual({
      maxMessageLength: undefined,
      slowModeSeconds: undefined,
    });
    expect(checkChatChanges({ maxMessageLength: 4000, slowModeSeconds: -1 })).toEqual({
      maxMessageLength: 4000,
      slowModeSeconds: 0,
    });
    expect(() => checkChatChanges({ maxMessageLength: 4001, slowModeSeconds: 0 })).toThrow(
      /max_message_length must be 1 to 4000/,
    );
    expect(() => checkChatChanges({ maxMessageLength: 0, slowModeSeconds: 3601 })).toThrow(
      /slow_mode_seconds must be 1 to 3600/,
    );
  });
});

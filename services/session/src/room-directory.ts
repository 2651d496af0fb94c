import { status as GrpcStatus } from '@grpc/grpc-js';
import { callUnary, isServiceError, notFound, RoomcastError } from '@roomcast/kit';
import type { ChatSettings, Room, RoomServiceClient } from '@roomcast/proto';

/** Entries kept before the oldest are dropped; rooms are few next to messages. */
const MAX_CACHED_ROOMS = 10_000;

export interface RoomDirectoryOptions {
  client: RoomServiceClient;
  /** How long chat settings are reused before asking Room again; 0 disables the cache. */
  cacheMs: number;
  /** Deadline of each call to Room. */
  deadlineMs: number;
  /** Injectable clock for the cache; default Date.now. */
  now?: () => number;
}

/**
 * Session's view of the Room service. Starting a session always asks Room; chat settings are
 * cached for cacheMs because every chat message needs them, so a settings change reaches chat
 * within that time.
 */
export class RoomDirectory {
  private readonly chatCache = new Map<string, { chat: ChatSettings; expiresAt: number }>();
  private readonly now: () => number;

  constructor(private readonly options: RoomDirectoryOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The room as Room has it now; NOT_FOUND ROOM_NOT_FOUND or UNAVAILABLE when it cannot say. */
  async fetch(roomId: string, requestId?: string): Promise<Room> {
    const { client, deadlineMs } = this.options;
    try {
      const room = await callUnary(client, client.getRoom, { roomId }, { deadlineMs, requestId });
      this.remember(room);
      return room;
    } catch (caught) {
      throw asRoomError(caught, roomId);
    }
  }

  /** The room's chat settings, from the cache when fresh enough. */
  async chatSettings(roomId: string, requestId?: string): Promise<ChatSettings> {
    const cached = this.chatCache.get(roomId);
    if (cached && cached.expiresAt > this.now()) return cached.chat;

    const room = await this.fetch(roomId, requestId);
    return room.chat ?? { maxMessageLength: 0, slowModeSeconds: 0 };
  }

  private remember(room: Room): void {
    if (this.options.cacheMs <= 0 || !room.chat) return;
    this.chatCache.delete(room.id);
    this.chatCache.set(room.id, { chat: room.chat, expiresAt: this.now() + this.options.cacheMs });

    // Map iteration follows insertion order, so the first key is the least recently fetched.
    if (this.chatCache.size > MAX_CACHED_ROOMS) {
      this.chatCache.delete(this.chatCache.keys().next().value!);
    }
  }
}

const UNREACHABLE = new Set([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.CANCELLED,
]);

function asRoomError(caught: unknown, roomId: string): unknown {
  if (!isServiceError(caught)) return caught;
  if (caught.code === GrpcStatus.NOT_FOUND) {
    return notFound('ROOM_NOT_FOUND', `room ${roomId} does not exist`);
  }
  if (UNREACHABLE.has(caught.code)) {
    return new RoomcastError(
      'unavailable',
      'ROOM_SERVICE_UNAVAILABLE',
      `the Room service could not be reached to look up room ${roomId}; try again`,
      { cause: caught },
    );
  }
  return caught;
}

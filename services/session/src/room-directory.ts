import { status as GrpcStatus } from '@grpc/grpc-js';
import { callUnary, isServiceError, notFound, RoomcastError, type Logger } from '@roomcast/kit';
import type { ChatSettings, Room, RoomServiceClient } from '@roomcast/proto';

/** Entries kept before the oldest are dropped; rooms are few next to messages. */
const MAX_CACHED_ROOMS = 10_000;

export interface RoomDirectoryOptions {
  client: RoomServiceClient;
  /** How long chat settings are reused before asking Room again; 0 disables the cache. */
  cacheMs: number;
  /** Deadline of each call to Room. */
  deadlineMs: number;
  /**
   * How old the last known chat settings may be and still serve chat while Room cannot be
   * reached (stale-if-error); 0 turns this off. Default 300000 (5 minutes).
   */
  staleIfErrorMs?: number;
  /** Where the switch to stale settings is reported, once per outage, at warn. */
  log?: Logger;
  /** Injectable clock for the cache; default Date.now. */
  now?: () => number;
}

/** How long the last known chat settings serve chat while Room is unreachable; 5 minutes. */
export const DEFAULT_STALE_IF_ERROR_MS = 300_000;

interface KnownChat {
  chat: ChatSettings;
  fetchedAt: number;
}

/**
 * Session's view of the Room service. Starting a session always asks Room; chat settings are
 * cached for cacheMs because every chat message needs them, so a settings change reaches chat
 * within that time. While Room cannot be reached (a restart, a deploy), chat keeps using the
 * last known settings for up to staleIfErrorMs instead of refusing every message.
 */
export class RoomDirectory {
  private readonly known = new Map<string, KnownChat>();
  private readonly now: () => number;
  /** True from the first stale answer until Room answers again: the warning is logged once. */
  private servingStale = false;

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

  /**
   * The room's chat settings: from the cache when fresh enough, else from Room; when Room is
   * unreachable, the last known settings if they are at most staleIfErrorMs old.
   */
  async chatSettings(roomId: string, requestId?: string): Promise<ChatSettings> {
    const known = this.known.get(roomId);
    if (known && this.now() - known.fetchedAt < this.options.cacheMs) return known.chat;

    try {
      const room = await this.fetch(roomId, requestId);
      return room.chat ?? { maxMessageLength: 0, slowModeSeconds: 0 };
    } catch (caught) {
      const stale = known && this.staleIfError(caught, roomId, known);
      if (stale) return stale;
      throw caught;
    }
  }

  private staleIfError(caught: unknown, roomId: string, known: KnownChat): ChatSettings | null {
    const limitMs = this.options.staleIfErrorMs ?? DEFAULT_STALE_IF_ERROR_MS;
    const ageMs = this.now() - known.fetchedAt;
    const unreachable = caught instanceof RoomcastError && caught.kind === 'unavailable';
    if (!unreachable || ageMs > limitMs) return null;

    if (!this.servingStale) {
      this.servingStale = true;
      this.options.log?.warn(
        { roomId, ageMs, staleIfErrorMs: limitMs },
        'Room service unreachable; chat uses the last known room settings',
      );
    }
    return known.chat;
  }

  /** Kept even when caching is off: the last known settings are what stale-if-error serves. */
  private remember(room: Room): void {
    this.servingStale = false;
    if (!room.chat) return;
    this.known.delete(room.id);
    this.known.set(room.id, { chat: room.chat, fetchedAt: this.now() });

    // Map iteration follows insertion order, so the first key is the least recently fetched.
    if (this.known.size > MAX_CACHED_ROOMS) {
      this.known.delete(this.known.keys().next().value!);
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

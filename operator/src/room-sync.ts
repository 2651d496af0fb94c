/**
 * Makes the Room service hold one room per Room resource, whatever happened between calls: the
 * room is found by the id in status, else by its slug (archived rooms included), and only
 * created when neither finds it. A create that loses a race (ALREADY_EXISTS) looks up again.
 */
import type { ChatSettings, Room } from '@roomcast/proto';

import type { DesiredRoom, RoomApi } from './room-api.js';
import { slugFor, type RoomObject } from './room-resource.js';

/** The CRD's defaults, for objects stored before a default existed. */
const DEFAULT_MAX_MESSAGE_LENGTH = 500;

/** What ensureRoom did. found: the room existed under the slug but status did not know it. */
export type RoomAction = 'created' | 'found' | 'updated' | 'unchanged';

export interface EnsuredRoom {
  room: Room;
  action: RoomAction;
  /** The fields an update changed. */
  changed: string[];
}

/** The room a Room resource declares, in the Room service's terms. */
export function desiredRoom(resource: RoomObject): DesiredRoom {
  const { spec, metadata } = resource;
  return {
    slug: slugFor(metadata.namespace, metadata.name),
    // The Room service keeps titles trimmed; comparing untrimmed would update forever.
    title: spec.title.trim(),
    owner: spec.owner,
    chat: {
      maxMessageLength: spec.chat?.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH,
      slowModeSeconds: spec.chat?.slowModeSeconds ?? 0,
    },
  };
}

/** Finds or creates the room, then brings title, owner and chat settings in line. */
export async function ensureRoom(
  api: RoomApi,
  desired: DesiredRoom,
  knownRoomId: string | undefined,
): Promise<EnsuredRoom> {
  let action: RoomAction = 'unchanged';
  let room = knownRoomId ? await api.get(knownRoomId) : undefined;
  if (room && room.slug !== desired.slug) room = undefined;

  if (!room) {
    room = await api.findBySlug(desired.slug);
    action = 'found';
  }
  if (!room) {
    room = await api.create(desired);
    action = 'created';
  }
  if (!room) {
    room = await api.findBySlug(desired.slug);
    action = 'found';
  }
  if (!room) throw new Error(`room slug ${desired.slug} is taken, yet no room has it`);
  if (room.archived) return { room, action, changed: [] };

  const update = differences(room, desired);
  const changed = Object.keys(update);
  if (changed.length === 0) return { room, action, changed };

  const updated = await api.update(room.id, update);
  return { room: updated, action: action === 'unchanged' ? 'updated' : action, changed };
}

/** The fields of `desired` that `room` does not have yet. */
function differences(
  room: Room,
  desired: DesiredRoom,
): { title?: string; owner?: string; chat?: ChatSettings } {
  const update: { title?: string; owner?: string; chat?: ChatSettings } = {};
  if (room.title !== desired.title) update.title = desired.title;
  if (room.owner !== desired.owner) update.owner = desired.owner;

  const chat = room.chat;
  if (
    chat?.maxMessageLength !== desired.chat.maxMessageLength ||
    chat?.slowModeSeconds !== desired.chat.slowModeSeconds
  ) {
    update.chat = desired.chat;
  }
  return update;
}

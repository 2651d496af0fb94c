import {
  alreadyExists,
  failedPrecondition,
  isUniqueViolation,
  notFound,
  type Pool,
} from '@roomcast/kit';
import type { ChatSettings, Room } from '@roomcast/proto';
import type { ChatChanges } from './room-rules.js';

interface RoomRow {
  id: string;
  slug: string;
  title: string;
  owner: string;
  max_message_length: number;
  slow_mode_seconds: number;
  archived: boolean;
  create_time: Date;
  update_time: Date;
}

export interface NewRoom {
  slug: string;
  title: string;
  owner: string;
  chat: ChatSettings;
}

/** What UpdateRoom changes; an undefined field keeps its stored value. */
export interface RoomChanges {
  title?: string | undefined;
  owner?: string | undefined;
  chat?: ChatChanges | undefined;
}

export interface RoomQuery {
  /** Rooms with an id above this one ('0' for the first page). */
  afterId: string;
  limit: number;
  slug?: string | undefined;
  includeArchived: boolean;
}

/** Rooms in PostgreSQL, chat settings in two columns. */
export class RoomStore {
  constructor(private readonly pool: Pool) {}

  async create(room: NewRoom): Promise<Room> {
    try {
      const result = await this.pool.query<RoomRow>(
        `insert into rooms (slug, title, owner, max_message_length, slow_mode_seconds)
           values ($1, $2, $3, $4, $5) returning *`,
        [room.slug, room.title, room.owner, room.chat.maxMessageLength, room.chat.slowModeSeconds],
      );
      return toRoom(result.rows[0]!);
    } catch (caught) {
      if (isUniqueViolation(caught)) {
        throw alreadyExists('ROOM_SLUG_TAKEN', `the slug "${room.slug}" is already taken`);
      }
      throw new Error(`creating room ${room.slug} failed`, { cause: caught });
    }
  }

  async get(id: string): Promise<Room> {
    const result = await this.pool.query<RoomRow>('select * from rooms where id = $1', [id]);
    const row = result.rows[0];
    if (!row) throw roomNotFound(id);
    return toRoom(row);
  }

  /** Rooms ascending by id; ask for one more than a page to learn whether another follows. */
  async list(query: RoomQuery): Promise<Room[]> {
    const result = await this.pool.query<RoomRow>(
      `select * from rooms
         where id > $1 and ($2::text is null or slug = $2) and ($3 or not archived)
         order by id limit $4`,
      [query.afterId, query.slug ?? null, query.includeArchived, query.limit],
    );
    return result.rows.map(toRoom);
  }

  /** Applies the changes unless the room is archived, in one statement so no archive slips in. */
  async update(id: string, changes: RoomChanges): Promise<Room> {
    const result = await this.pool.query<RoomRow>(
      `update rooms set title = coalesce($2, title), owner = coalesce($3, owner),
         max_message_length = coalesce($4, max_message_length),
         slow_mode_seconds = coalesce($5, slow_mode_seconds), update_time = now()
         where id = $1 and not archived returning *`,
      [
        id,
        changes.title ?? null,
        changes.owner ?? null,
        changes.chat?.maxMessageLength ?? null,
        changes.chat?.slowModeSeconds ?? null,
      ],
    );
    const row = result.rows[0];
    if (row) return toRoom(row);

    // Nothing updated: either there is no such room or it is archived.
    await this.get(id);
    throw failedPrecondition('ROOM_ARCHIVED', `room ${id} is archived and can no longer change`);
  }

  /** Archives the room; archiving an archived room returns it unchanged. */
  async archive(id: string): Promise<Room> {
    const result = await this.pool.query<RoomRow>(
      `update rooms set archived = true,
         update_time = case when archived then update_time else now() end
         where id = $1 returning *`,
      [id],
    );
    const row = result.rows[0];
    if (!row) throw roomNotFound(id);
    return toRoom(row);
  }
}

function roomNotFound(id: string) {
  return notFound('ROOM_NOT_FOUND', `room ${id} does not exist`);
}

function toRoom(row: RoomRow): Room {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    owner: row.owner,
    chat: { maxMessageLength: row.max_message_length, slowModeSeconds: row.slow_mode_seconds },
    archived: row.archived,
    createTime: row.create_time,
    updateTime: row.update_time,
  };
}

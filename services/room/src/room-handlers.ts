import {
  decodePageToken,
  encodePageToken,
  pageSize,
  requireId,
  unary,
  type HandlerDeps,
} from '@roomcast/kit';
import type { RoomServiceServer } from '@roomcast/proto';
import {
  checkChatChanges,
  checkChatSettings,
  checkOwner,
  checkSlug,
  checkTitle,
} from './room-rules.js';
import type { RoomStore } from './room-store.js';

const PAGE = { default: 50, max: 200 };

/** The RoomService gRPC handlers: validation in room-rules, storage in RoomStore. */
export function roomServiceHandlers(deps: HandlerDeps, store: RoomStore): RoomServiceServer {
  return {
    createRoom: unary(deps, 'CreateRoom', async (request) => {
      return store.create({
        slug: checkSlug(request.slug),
        title: checkTitle(request.title),
        owner: checkOwner(request.owner),
        chat: checkChatSettings(request.chat),
      });
    }),

    getRoom: unary(deps, 'GetRoom', async (request) => {
      return store.get(requireId(request.roomId, 'room_id'));
    }),

    listRooms: unary(deps, 'ListRooms', async (request) => {
      const limit = pageSize(request.pageSize, PAGE);
      const rooms = await store.list({
        afterId: decodePageToken(request.pageToken),
        limit: limit + 1,
        slug: request.slug ? checkSlug(request.slug) : undefined,
        includeArchived: request.includeArchived,
      });

      const page = rooms.slice(0, limit);
      const more = rooms.length > limit;
      return { rooms: page, nextPageToken: more ? encodePageToken(page.at(-1)!.id) : '' };
    }),

    updateRoom: unary(deps, 'UpdateRoom', async (request) => {
      const id = requireId(request.roomId, 'room_id');
      return store.update(id, {
        title: request.title === undefined ? undefined : checkTitle(request.title),
        owner: request.owner === undefined ? undefined : checkOwner(request.owner),
        chat: request.chat === undefined ? undefined : checkChatChanges(request.chat),
      });
    }),

    archiveRoom: unary(deps, 'ArchiveRoom', async (request) => {
      return store.archive(requireId(request.roomId, 'room_id'));
    }),
  };
}

import {
  decodePageToken,
  encodePageToken,
  invalidArgument,
  pageSize,
  requireId,
  requireStorableText,
  unary,
  type HandlerDeps,
} from '@roomcast/kit';
import { UserRole, type UserServiceServer } from '@roomcast/proto';
import type { UserStore } from './user-store.js';

const HANDLE = /^[a-z0-9_-]{3,32}$/;
const MAX_DISPLAY_NAME = 64;

/** The UserService gRPC handlers: validation here, storage in UserStore. */
export function userServiceHandlers(deps: HandlerDeps, store: UserStore): UserServiceServer {
  return {
    createUser: unary(deps, 'CreateUser', async (request) => {
      const handle = checkHandle(request.handle);
      const displayName = checkDisplayName(request.displayName || handle);
      const role = checkRole(request.role) ?? UserRole.USER_ROLE_VIEWER;
      return store.create({ handle, displayName, role });
    }),

    getUser: unary(deps, 'GetUser', async (request) => {
      return store.get(requireId(request.userId, 'user_id'));
    }),

    listUsers: unary(deps, 'ListUsers', async (request) => {
      const limit = pageSize(request.pageSize, { default: 50, max: 200 });
      const users = await store.list(decodePageToken(request.pageToken), limit + 1);
      const page = users.slice(0, limit);
      const more = users.length > limit;
      return { users: page, nextPageToken: more ? encodePageToken(page.at(-1)!.id) : '' };
    }),

    updateUser: unary(deps, 'UpdateUser', async (request) => {
      const id = requireId(request.userId, 'user_id');
      return store.update(id, {
        displayName: request.displayName ? checkDisplayName(request.displayName) : undefined,
        role: checkRole(request.role),
      });
    }),
  };
}

function checkHandle(handle: string): string {
  if (!HANDLE.test(handle)) {
    throw invalidArgument(
      'INVALID_HANDLE',
      `handle must be 3 to 32 lowercase letters, digits, '_' or '-', got "${handle}"`,
      'handle',
    );
  }
  return handle;
}

function checkDisplayName(name: string): string {
  const trimmed = requireStorableText(name, 'display_name').trim();
  if (trimmed.length === 0 || [...trimmed].length > MAX_DISPLAY_NAME) {
    throw invalidArgument(
      'INVALID_DISPLAY_NAME',
      `display_name must be 1 to ${MAX_DISPLAY_NAME} characters`,
      'display_name',
    );
  }
  return trimmed;
}

/** undefined for "not given"; an unknown value is refused. */
function checkRole(role: UserRole): UserRole | undefined {
  if (role === UserRole.USER_ROLE_UNSPECIFIED) return undefined;
  if (role === UserRole.UNRECOGNIZED) {
    throw invalidArgument('INVALID_ROLE', 'role must be ADMIN, BROADCASTER or VIEWER', 'role');
  }
  return role;
}

import { invalidArgument, requireStorableText } from '@roomcast/kit';
import type { ChatSettings } from '@roomcast/proto';

/** The longest chat message a room accepts when its settings leave the limit at 0. */
export const DEFAULT_MAX_MESSAGE_LENGTH = 500;
export const MAX_MESSAGE_LENGTH_LIMIT = 4000;
export const MAX_SLOW_MODE_SECONDS = 3600;
export const MAX_TITLE_LENGTH = 200;
/**
 * In UpdateRoom, the slow_mode_seconds that turns slow mode off. proto3 cannot tell an unset
 * field from a 0, so there 0 keeps the stored value and off needs a value of its own.
 */
export const SLOW_MODE_OFF = -1;

/** 3 to 63 of [a-z0-9-], neither starting nor ending with '-': safe in URLs and DNS labels. */
const SLUG = /^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$/;
/** The User service's handle pattern; owners are named by handle, without calling User. */
const HANDLE = /^[a-z0-9_-]{3,32}$/;

export function checkSlug(slug: string, field = 'slug'): string {
  if (!SLUG.test(slug)) {
    throw invalidArgument(
      'INVALID_SLUG',
      `${field} must be 3 to 63 lowercase letters, digits or '-', not starting or ending ` +
        `with '-', got "${slug}"`,
      field,
    );
  }
  return slug;
}

/** A title is kept without surrounding blanks; its length counts Unicode code points. */
export function checkTitle(title: string): string {
  const trimmed = requireStorableText(title, 'title').trim();
  const length = [...trimmed].length;
  if (length === 0 || length > MAX_TITLE_LENGTH) {
    throw invalidArgument(
      'INVALID_TITLE',
      `title must be 1 to ${MAX_TITLE_LENGTH} characters and not blank, got ${length}`,
      'title',
    );
  }
  return trimmed;
}

export function checkOwner(owner: string): string {
  if (!HANDLE.test(owner)) {
    throw invalidArgument(
      'INVALID_OWNER',
      `owner must be a user handle (3 to 32 lowercase letters, digits, '_' or '-'), ` +
        `got "${owner}"`,
      'owner',
    );
  }
  return owner;
}

/**
 * Validates chat settings and fills the default: a missing message or a max_message_length of
 * 0 means DEFAULT_MAX_MESSAGE_LENGTH; a slow_mode_seconds of 0 turns slow mode off.
 */
export function checkChatSettings(chat: ChatSettings | undefined): ChatSettings {
  const maxMessageLength = chat?.maxMessageLength || DEFAULT_MAX_MESSAGE_LENGTH;
  const slowModeSeconds = chat?.slowModeSeconds ?? 0;

  if (maxMessageLength < 1 || maxMessageLength > MAX_MESSAGE_LENGTH_LIMIT) {
    throw invalidArgument(
      'INVALID_CHAT_SETTINGS',
      `chat.max_message_length must be 1 to ${MAX_MESSAGE_LENGTH_LIMIT} (0 for the default ` +
        `${DEFAULT_MAX_MESSAGE_LENGTH}), got ${maxMessageLength}`,
      'chat.max_message_length',
    );
  }
  if (slowModeSeconds < 0 || slowModeSeconds > MAX_SLOW_MODE_SECONDS) {
    throw invalidArgument(
      'INVALID_CHAT_SETTINGS',
      `chat.slow_mode_seconds must be 0 to ${MAX_SLOW_MODE_SECONDS}, got ${slowModeSeconds}`,
      'chat.slow_mode_seconds',
    );
  }
  return { maxMessageLength, slowModeSeconds };
}

/** The chat settings UpdateRoom changes; an undefined field keeps its stored value. */
export interface ChatChanges {
  maxMessageLength?: number | undefined;
  slowModeSeconds?: number | undefined;
}

/**
 * Validates the chat settings of an UpdateRoom. proto3 sends an unset number as 0, so a field
 * at 0 keeps the stored value (a PATCH of one field must not reset the other); slow mode is
 * turned off with SLOW_MODE_OFF (-1), and the default length is asked for by its value, 500.
 */
export function checkChatChanges(chat: ChatSettings): ChatChanges {
  const { maxMessageLength, slowModeSeconds } = chat;
  if (maxMessageLength < 0 || maxMessageLength > MAX_MESSAGE_LENGTH_LIMIT) {
    throw invalidArgument(
      'INVALID_CHAT_SETTINGS',
      `chat.max_message_length must be 1 to ${MAX_MESSAGE_LENGTH_LIMIT} (0 keeps the current ` +
        `limit), got ${maxMessageLength}`,
      'chat.max_message_length',
    );
  }
  if (slowModeSeconds < SLOW_MODE_OFF || slowModeSeconds > MAX_SLOW_MODE_SECONDS) {
    throw invalidArgument(
      'INVALID_CHAT_SETTINGS',
      `chat.slow_mode_seconds must be 1 to ${MAX_SLOW_MODE_SECONDS}, ${SLOW_MODE_OFF} to turn ` +
        `slow mode off, or 0 to keep the current setting; got ${slowModeSeconds}`,
      'chat.slow_mode_seconds',
    );
  }

  return {
    maxMessageLength: maxMessageLength === 0 ? undefined : maxMessageLength,
    slowModeSeconds: slowModeChange(slowModeSeconds),
  };
}

function slowModeChange(slowModeSeconds: number): number | undefined {
  if (slowModeSeconds === 0) return undefined;
  if (slowModeSeconds === SLOW_MODE_OFF) return 0;
  return slowModeSeconds;
}

import { hasVisibleCharacter, isStorableText, newEvent } from '@roomcast/kit';
import { EventType, StreamState, type Event } from '@roomcast/proto';
import { badRequest } from './webhook-refusal.js';

/** The payload types an outside platform may send, and the raw event each becomes. */
export const PAYLOAD_TYPES = ['stream.online', 'stream.offline', 'chat.message', 'viewer.count'];

type Fields = Record<string, unknown>;

const MAX_INT64 = 9_223_372_036_854_775_807n;
/** occurred_at may be at most this old: older events would land in long-closed analytics. */
export const MAX_OCCURRED_AGE_S = 86_400;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Turns a delivery's JSON body into the raw event it stands for. Every refusal is a 400 that
 * names the field. Unknown fields are ignored, so platforms may send more than we read.
 */
export function payloadToEvent(
  body: Buffer,
  delivery: {
    platform: string;
    eventId: string;
    now: Date;
    /** How far occurred_at may lie ahead of now, in seconds (the timestamp window). */
    futureToleranceS: number;
  },
): Event {
  const fields = parseObject(body);
  const type = fields['type'];
  if (typeof type !== 'string' || !PAYLOAD_TYPES.includes(type)) {
    throw badRequest(
      'WEBHOOK_UNKNOWN_TYPE',
      `type must be one of ${PAYLOAD_TYPES.join(', ')}, got ${JSON.stringify(type ?? null)}`,
    );
  }

  const envelope = {
    eventId: delivery.eventId,
    sessionId: id(fields, 'session_id'),
    roomId: id(fields, 'room_id'),
    source: `adapter:${delivery.platform}`,
    occurTime: occurredAt(fields, delivery) ?? delivery.now,
  };
  return newEvent({ ...envelope, ...payloadOf(type, fields) });
}

function payloadOf(type: string, fields: Fields): Pick<Event, 'type'> & Partial<Event> {
  switch (type) {
    case 'stream.online':
      return {
        type: EventType.EVENT_TYPE_STREAM_STATUS,
        streamStatus: { state: StreamState.STREAM_STATE_LIVE },
      };
    case 'stream.offline':
      // Only Session.EndSession ends a session; an outside stream going away is a pause.
      return {
        type: EventType.EVENT_TYPE_STREAM_STATUS,
        streamStatus: { state: StreamState.STREAM_STATE_PAUSED },
      };
    case 'chat.message':
      return {
        type: EventType.EVENT_TYPE_CHAT_MESSAGE,
        chat: { userId: id(fields, 'user_id'), text: chatText(fields) },
      };
    default:
      return { type: EventType.EVENT_TYPE_VIEWER_COUNT, viewerCount: { count: count(fields) } };
  }
}

function parseObject(body: Buffer): Fields {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (caught) {
    const detail = caught instanceof Error ? caught.message : String(caught);
    throw badRequest('WEBHOOK_MALFORMED_JSON', `the body is not valid JSON: ${detail}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('WEBHOOK_MALFORMED_JSON', 'the body must be a JSON object');
  }
  return parsed as Fields;
}

/** A positive 64-bit id, given as a decimal string or a safe JSON integer. */
function id(fields: Fields, name: string): string {
  const value = fields[name];
  if (value === undefined || value === null || value === '') {
    throw badRequest('WEBHOOK_MISSING_FIELD', `${name} is required`);
  }
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^[1-9]\d{0,18}$/.test(text) || BigInt(text) > MAX_INT64) {
    throw badRequest(
      'WEBHOOK_INVALID_FIELD',
      `${name} must be a positive 64-bit id, got ${JSON.stringify(value)}`,
    );
  }
  return text;
}

/** The chat text exactly as sent; it must have a visible character (Session's rule too). */
function chatText(fields: Fields): string {
  const text = fields['text'];
  if (text === undefined || text === null || text === '') {
    throw badRequest('WEBHOOK_MISSING_FIELD', 'text is required for chat.message');
  }
  if (typeof text !== 'string') {
    throw badRequest('WEBHOOK_INVALID_FIELD', 'text must be a string');
  }
  if (!hasVisibleCharacter(text)) {
    throw badRequest(
      'WEBHOOK_INVALID_FIELD',
      'text must contain more than whitespace and invisible characters (such as zero-width ' +
        'spaces, joiners or lone combining marks)',
    );
  }
  if (!isStorableText(text)) {
    throw badRequest(
      'WEBHOOK_INVALID_FIELD',
      'text contains a NUL character or a broken surrogate pair',
    );
  }
  return text;
}

/** A viewer count: a whole number from 0, as a JSON integer or a decimal string. */
function count(fields: Fields): string {
  const value = fields['count'];
  if (value === undefined || value === null) {
    throw badRequest('WEBHOOK_MISSING_FIELD', 'count is required for viewer.count');
  }
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,19}$/.test(text) || BigInt(text) > MAX_INT64) {
    throw badRequest(
      'WEBHOOK_INVALID_FIELD',
      `count must be a whole number from 0, got ${JSON.stringify(value)}`,
    );
  }
  return text;
}

/**
 * occurred_at when given (RFC 3339), else undefined. It must lie within the past
 * MAX_OCCURRED_AGE_S and at most futureToleranceS ahead: a time far off (9999-12-31) would
 * make the session's analytics durations absurd.
 */
function occurredAt(
  fields: Fields,
  window: { now: Date; futureToleranceS: number },
): Date | undefined {
  const value = fields['occurred_at'];
  if (value === undefined || value === null) return undefined;

  const time = typeof value === 'string' && RFC3339.test(value) ? new Date(value) : undefined;
  if (!time || Number.isNaN(time.getTime())) {
    throw badRequest(
      'WEBHOOK_INVALID_FIELD',
      `occurred_at must be an RFC 3339 time, got ${JSON.stringify(value)}`,
    );
  }

  const aheadS = (time.getTime() - window.now.getTime()) / 1000;
  if (aheadS > window.futureToleranceS || -aheadS > MAX_OCCURRED_AGE_S) {
    throw badRequest(
      'WEBHOOK_INVALID_FIELD',
      `occurred_at ${JSON.stringify(value)} is out of range: it must be at most ${window.futureToleranceS} s ` +
        `ahead of now and at most ${MAX_OCCURRED_AGE_S} s (24 h) ago`,
    );
  }
  return time;
}

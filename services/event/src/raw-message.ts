import { decodeEvent, isStorableText } from '@roomcast/kit';
import { EventType, type Event } from '@roomcast/proto';

/** A message of the raw stream as ingest needs it: where it sits in the stream, and its bytes. */
export interface RawMessage {
  /** The JetStream stream sequence: acceptance order across all sessions. */
  streamSeq: number;
  subject: string;
  data: Uint8Array;
  /** When this process received it (ms since the epoch), for the latency histogram. */
  receivedAtMs: number;
}

/** What a raw message turned out to be. */
export type ParsedRaw = { kind: 'event'; event: Event } | { kind: 'malformed'; reason: string };

const SESSION_ID = /^[1-9]\d{0,18}$/;
const MAX_EVENT_ID_LENGTH = 128;
const KNOWN_TYPES = new Set<EventType>([
  EventType.EVENT_TYPE_CHAT_MESSAGE,
  EventType.EVENT_TYPE_STREAM_STATUS,
  EventType.EVENT_TYPE_USER_PRESENCE,
  EventType.EVENT_TYPE_VIEWER_COUNT,
]);

/**
 * Reads one raw message as an event envelope. Anything that cannot be stored (not JSON, no
 * event id, no session, an unknown type) is "malformed": skipped, so it never blocks the stream.
 */
export function parseRawMessage(data: Uint8Array): ParsedRaw {
  let event: Event;
  try {
    event = decodeEvent(data);
  } catch {
    return { kind: 'malformed', reason: 'not an event envelope' };
  }

  if (!event.eventId || event.eventId.length > MAX_EVENT_ID_LENGTH) {
    return { kind: 'malformed', reason: 'event_id missing or too long' };
  }
  if (!SESSION_ID.test(event.sessionId)) {
    return { kind: 'malformed', reason: 'session_id missing' };
  }
  if (!KNOWN_TYPES.has(event.type)) {
    return { kind: 'malformed', reason: `unknown type ${event.type}` };
  }
  const texts = [event.eventId, event.source, event.chat?.text, event.presence?.connectionId];
  if (!texts.every((text) => text === undefined || isStorableText(text))) {
    return { kind: 'malformed', reason: 'text with a NUL character or a broken surrogate pair' };
  }
  return { kind: 'event', event };
}

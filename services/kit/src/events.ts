import { randomUUID } from 'node:crypto';
import { Event, EventType } from '@roomcast/proto';

/** The subject tokens after events.raw. or events.stored. for each event type. */
const SUBJECT_OF_TYPE: Record<EventType, string | undefined> = {
  [EventType.EVENT_TYPE_CHAT_MESSAGE]: 'chat.message',
  [EventType.EVENT_TYPE_STREAM_STATUS]: 'stream.status',
  [EventType.EVENT_TYPE_USER_PRESENCE]: 'user.presence',
  [EventType.EVENT_TYPE_VIEWER_COUNT]: 'viewer.count',
  [EventType.EVENT_TYPE_UNSPECIFIED]: undefined,
  [EventType.UNRECOGNIZED]: undefined,
};

/** events.raw.<type>: where producers publish. */
export function rawSubject(type: EventType): string {
  return `events.raw.${subjectToken(type)}`;
}

/** events.stored.<type>: where the Event service publishes after storing. */
export function storedSubject(type: EventType): string {
  return `events.stored.${subjectToken(type)}`;
}

function subjectToken(type: EventType): string {
  const token = SUBJECT_OF_TYPE[type];
  if (!token) throw new Error(`event type ${type} has no subject`);
  return token;
}

/** Events travel on NATS as their proto3 JSON form: readable with any NATS client. */
export function encodeEvent(event: Event): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(Event.toJSON(event)));
}

/** Parses an event off NATS; throws on anything that is not an event envelope. */
export function decodeEvent(data: Uint8Array): Event {
  const parsed: unknown = JSON.parse(new TextDecoder().decode(data));
  if (typeof parsed !== 'object' || parsed === null || !('eventId' in parsed)) {
    throw new Error('message is not a Roomcast event envelope');
  }
  return Event.fromJSON(parsed);
}

/** A fresh event envelope; sequence and storeTime are left for the Event service. */
export function newEvent(
  fields: Omit<Partial<Event>, 'sequence' | 'storeTime'> & {
    sessionId: string;
    roomId: string;
    type: EventType;
    source: string;
  },
): Event {
  return Event.fromPartial({
    eventId: randomUUID(),
    occurTime: new Date(),
    ...fields,
    sequence: '0',
  });
}

import { encodeEvent, newEvent } from '@roomcast/kit';
import { EventType } from '@roomcast/proto';
import { describe, expect, it } from 'vitest';
import { parseRawMessage } from '../src/raw-message.js';

const encoder = new TextEncoder();
const chat = (fields: { sessionId?: string; eventId?: string; type?: EventType } = {}) =>
  encodeEvent({
    ...newEvent({
      sessionId: '12',
      roomId: '3',
      type: EventType.EVENT_TYPE_CHAT_MESSAGE,
      source: 'session',
      chat: { userId: '5', text: 'hi' },
    }),
    ...fields,
  });

describe('parseRawMessage', () => {
  it('raw message - reads an event envelope', () => {
    const parsed = parseRawMessage(chat());

    expect(parsed.kind).toBe('event');
    expect(parsed.kind === 'event' && parsed.event.chat?.text).toBe('hi');
  });

  const malformed: Array<[string, Uint8Array, string]> = [
    ['bytes that are not JSON', encoder.encode('{{nope'), 'not an event envelope'],
    ['JSON without an event id key', encoder.encode('{"sessionId":"1"}'), 'not an event envelope'],
    [
      'an empty event id',
      encoder.encode('{"eventId":"","sessionId":"4","type":"EVENT_TYPE_CHAT_MESSAGE"}'),
      'event_id missing or too long',
    ],
    ['an event id over 128 characters', chat({ eventId: 'x'.repeat(129) }), 'event_id'],
    ['no session id', chat({ sessionId: '0' }), 'session_id missing'],
    ['an unspecified type', chat({ type: EventType.EVENT_TYPE_UNSPECIFIED }), 'unknown type'],
    [
      'chat text with a NUL character',
      encoder.encode(
        '{"eventId":"e1","sessionId":"4","type":"EVENT_TYPE_CHAT_MESSAGE","chat":{"text":"a\\u0000b"}}',
      ),
      'NUL',
    ],
    [
      'chat text with a lone surrogate',
      encoder.encode(
        '{"eventId":"e2","sessionId":"4","type":"EVENT_TYPE_CHAT_MESSAGE","chat":{"text":"a\\ud800b"}}',
      ),
      'surrogate',
    ],
  ];

  it.each(malformed)('raw message - calls %s malformed', (_, data, reason) => {
    const parsed = parseRawMessage(data);

    expect(parsed.kind).toBe('malformed');
    expect(parsed.kind === 'malformed' && parsed.reason).toContain(reason);
  });
});

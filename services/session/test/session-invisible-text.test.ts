import { status as GrpcStatus } from '@grpc/grpc-js';
import { callUnary } from '@roomcast/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireChatText } from '../src/session-rules.js';
import { expectRefused, startSessionFixture, type SessionFixture } from './session-fixture.js';

/** Texts that look empty on screen although they are not empty strings. */
const INVISIBLE_TEXTS = [
  '\u200b',
  '\u2060',
  '\ufeff',
  '\u200d\u200c',
  ' \u200b \u200b ',
  '\u0301\u0303',
  '\ufe0f',
  '\u202e\u202d',
  '\u00ad',
  '\u3164',
  '\u00a0\u3000\u2060',
];

/** Texts that must still pass: something visible, whatever surrounds it. */
const VISIBLE_TEXTS = ['x', '\u200bx\u200b', 'e\u0301', '👩‍👩‍👧', '❤️', 'مرحبا', '\u2800'];

describe('session invisible chat text', () => {
  it('session rules - treats text of only invisible characters as empty', () => {
    for (const text of INVISIBLE_TEXTS) {
      expect(() => requireChatText(text), JSON.stringify(text)).toThrow(/invisible characters/);
    }
    for (const text of VISIBLE_TEXTS) {
      expect(requireChatText(text)).toBe(text);
    }
  });

  describe('through the service', () => {
    let fx: SessionFixture;
    beforeAll(async () => {
      fx = await startSessionFixture();
    });
    afterAll(() => fx?.stop());

    it('session - refuses invisible-only chat with EMPTY_MESSAGE and keeps visible text as sent', async () => {
      const room = await fx.createRoom();
      const session = await callUnary(fx.sessions, fx.sessions.startSession, {
        roomId: room.id,
        title: '',
      });
      const post = (text: string) =>
        callUnary(fx.sessions, fx.sessions.postChatMessage, {
          sessionId: session.id,
          userId: '7',
          text,
        });

      for (const text of INVISIBLE_TEXTS) {
        await expectRefused(post(text), GrpcStatus.INVALID_ARGUMENT, 'EMPTY_MESSAGE');
      }
      const { eventId } = await post('\u200bhi\u200b');
      const tapped = await fx.tap.waitFor((t) => t.event.eventId === eventId);
      expect(tapped.event.chat?.text).toBe('\u200bhi\u200b');
    });
  });
});

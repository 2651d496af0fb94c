import { describe, expect, it } from 'vitest';
import {
  checkChatSettings,
  checkOwner,
  checkSlug,
  checkTitle,
  DEFAULT_MAX_MESSAGE_LENGTH,
} from '../src/room-rules.js';

describe('room rules', () => {
  it('room rules - accepts slugs of 3 to 63 lowercase letters, digits and inner dashes', () => {
    for (const slug of ['abc', 'a-b', 'room-42', 'a'.repeat(63), '0ab']) {
      expect(checkSlug(slug)).toBe(slug);
    }
  });

  it('room rules - refuses slugs that are short, long, uppercase or dash-edged', () => {
    for (const slug of ['ab', 'a'.repeat(64), 'Room', '-abc', 'abc-', 'a_b', 'a b', 'ü-room', '']) {
      expect(() => checkSlug(slug), slug).toThrow(/slug must be 3 to 63/);
    }
  });

  it('room rules - trims titles and counts their length in code points', () => {
    expect(checkTitle('  Friday night  ')).toBe('Friday night');
    expect(checkTitle('🎉'.repeat(200))).toBe('🎉'.repeat(200));
    expect(() => checkTitle('🎉'.repeat(201))).toThrow(/1 to 200/);
    expect(() => checkTitle(' \t\n')).toThrow(/not blank/);
  });

  it('room rules - accepts owners that look like user handles only', () => {
    expect(checkOwner('dj_mia-2')).toBe('dj_mia-2');
    for (const owner of ['', 'ab', 'Mia', 'a'.repeat(33), 'mia@x']) {
      expect(() => checkOwner(owner), owner).toThrow(/user handle/);
    }
  });

  it('room rules - fills the default message length and keeps slow mode off by default', () => {
    expect(checkChatSettings(undefined)).toEqual({
      maxMessageLength: DEFAULT_MAX_MESSAGE_LENGTH,
      slowModeSeconds: 0,
    });
    expect(checkChatSettings({ maxMessageLength: 0, slowModeSeconds: 5 })).toEqual({
      maxMessageLength: 500,
      slowModeSeconds: 5,
    });
    expect(checkChatSettings({ maxMessageLength: 4000, slowModeSeconds: 3600 })).toEqual({
      maxMessageLength: 4000,
      slowModeSeconds: 3600,
    });
  });

  it('room rules - refuses message lengths and slow-mode intervals out of range', () => {
    for (const chat of [
      { maxMessageLength: -1, slowModeSeconds: 0 },
      { maxMessageLength: 4001, slowModeSeconds: 0 },
      { maxMessageLength: 10, slowModeSeconds: -1 },
      { maxMessageLength: 10, slowModeSeconds: 3601 },
    ]) {
      expect(() => checkChatSettings(chat), JSON.stringify(chat)).toThrow(/chat\./);
    }
  });
});

import { PresenceAction, StreamState } from '@roomcast/proto';
import { describe, expect, it } from 'vitest';
import {
  checkChatLength,
  checkConnectionId,
  checkPresenceAction,
  checkSessionTitle,
  checkStatusTarget,
  codePointLength,
  requireChatText,
  requireNotEnded,
} from '../src/session-rules.js';

describe('session rules', () => {
  it('session rules - counts code points, so one emoji is one character', () => {
    expect(codePointLength('🎉')).toBe(1);
    expect('🎉'.length).toBe(2);
    expect(codePointLength('e\u0301')).toBe(2);
    expect(codePointLength('مرحبا')).toBe(5);
  });

  it('session rules - returns chat text unchanged, spaces and all', () => {
    for (const text of ['  padded  ', 'e\u0301', '👩‍👩‍👧', 'שלום']) {
      expect(requireChatText(text)).toBe(text);
      expect(checkChatLength(text, 100)).toBe(text);
    }
  });

  it('session rules - refuses blank chat text and text over the limit', () => {
    expect(() => requireChatText(' \u00a0\t')).toThrow(/more than whitespace/);
    expect(() => checkChatLength('🎉🎉🎉', 2)).toThrow(/text is 3 characters; .* at most 2/);
    expect(checkChatLength('🎉🎉', 2)).toBe('🎉🎉');
  });

  it('session rules - takes an empty title as the room title and refuses a blank one', () => {
    expect(checkSessionTitle('')).toBeUndefined();
    expect(checkSessionTitle(' Show ')).toBe('Show');
    expect(() => checkSessionTitle('  ')).toThrow(/not blank/);
  });

  it('session rules - moves streams only between LIVE and PAUSED', () => {
    expect(checkStatusTarget(StreamState.STREAM_STATE_LIVE)).toBe(StreamState.STREAM_STATE_LIVE);
    expect(checkStatusTarget(StreamState.STREAM_STATE_PAUSED)).toBe(
      StreamState.STREAM_STATE_PAUSED,
    );
    for (const state of [
      StreamState.STREAM_STATE_ENDED,
      StreamState.STREAM_STATE_UNSPECIFIED,
      StreamState.UNRECOGNIZED,
    ]) {
      expect(() => checkStatusTarget(state), state).toThrow(/use EndSession/);
    }
  });

  it('session rules - accepts JOIN and LEAVE only, with a connection id', () => {
    expect(checkPresenceAction(PresenceAction.PRESENCE_ACTION_LEAVE)).toBe(
      PresenceAction.PRESENCE_ACTION_LEAVE,
    );
    expect(() => checkPresenceAction(PresenceAction.UNRECOGNIZED)).toThrow(/JOIN or/);
    expect(() => checkConnectionId('')).toThrow(/connection_id/);
    expect(checkConnectionId('c-1')).toBe('c-1');
  });

  it('session rules - refuses work on an ended session', () => {
    expect(() => requireNotEnded({ id: '4', state: StreamState.STREAM_STATE_ENDED })).toThrow(
      'session 4 has ended',
    );
    expect(() =>
      requireNotEnded({ id: '4', state: StreamState.STREAM_STATE_PAUSED }),
    ).not.toThrow();
  });
});

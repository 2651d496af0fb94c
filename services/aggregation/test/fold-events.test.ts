import {
  Event,
  EventType,
  PresenceAction,
  StreamState,
  type ChatMessage,
  type UserPresence,
} from '@roomcast/proto';
import { describe, expect, it } from 'vitest';
import {
  emptyState,
  foldEvents,
  messagesPerMinute,
  summarize,
  toAggregates,
  type FoldState,
} from '../src/fold-events.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');

/** Builds stored events with sequences 1, 2, 3... and occur times given in seconds from T0. */
class Script {
  readonly events: Event[] = [];

  private add(at: number, fields: Partial<Event>): this {
    this.events.push(
      Event.fromPartial({
        eventId: `e${this.events.length + 1}`,
        sessionId: '42',
        roomId: '1',
        sequence: String(this.events.length + 1),
        occurTime: new Date(T0 + at * 1000),
        source: 'session',
        ...fields,
      }),
    );
    return this;
  }

  status(at: number, state: StreamState): this {
    return this.add(at, { type: EventType.EVENT_TYPE_STREAM_STATUS, streamStatus: { state } });
  }

  chat(at: number, userId: string, text = 'hi'): this {
    const chat: ChatMessage = { userId, text };
    return this.add(at, { type: EventType.EVENT_TYPE_CHAT_MESSAGE, chat });
  }

  presence(at: number, userId: string, action: PresenceAction, viewerCount: number): this {
    const presence: UserPresence = {
      userId,
      action,
      connectionId: `c-${userId}`,
      viewerCount: String(viewerCount),
    };
    return this.add(at, { type: EventType.EVENT_TYPE_USER_PRESENCE, presence });
  }

  viewerCount(at: number, count: number): this {
    return this.add(at, {
      type: EventType.EVENT_TYPE_VIEWER_COUNT,
      viewerCount: { count: String(count) },
    });
  }
}

const { LIVE, PAUSED, ENDED } = {
  LIVE: StreamState.STREAM_STATE_LIVE,
  PAUSED: StreamState.STREAM_STATE_PAUSED,
  ENDED: StreamState.STREAM_STATE_ENDED,
};
const { JOIN, LEAVE } = {
  JOIN: PresenceAction.PRESENCE_ACTION_JOIN,
  LEAVE: PresenceAction.PRESENCE_ACTION_LEAVE,
};

const fold = (script: Script, state: FoldState = emptyState('42')) =>
  toAggregates(summarize(foldEvents(state, script.events)), new Date(T0));

/** A full session: 3 minutes live with chat, presence, a pause and an outside viewer count. */
const scripted = () =>
  new Script()
    .status(0, LIVE)
    .presence(1, '10', JOIN, 1)
    .presence(2, '11', JOIN, 2)
    .chat(5, '10')
    .chat(6, '11', '🎉')
    .presence(7, '12', JOIN, 3)
    .status(60, PAUSED)
    .chat(61, '10')
    .presence(62, '11', LEAVE, 2)
    .presence(63, '11', JOIN, 3)
    .viewerCount(90, 7)
    .status(100, LIVE)
    .chat(150, '12')
    .chat(170, '0')
    .status(180, ENDED);

describe('foldEvents', () => {
  it('aggregation fold - computes every number of a scripted session', () => {
    expect(fold(scripted())).toEqual({
      sessionId: '42',
      messageCount: '5',
      uniqueChatters: '3',
      peakConcurrentViewers: '7',
      uniqueViewers: '3',
      durationSeconds: '180',
      messagesPerMinute: 1.67,
      final: true,
      lastSequence: '15',
      updateTime: new Date(T0),
    });
  });

  it('aggregation fold - counts chat from user 0 (an outside user) but not as a chatter', () => {
    const result = fold(new Script().chat(1, '0').chat(2, '0').chat(3, '5').chat(4, '5'));

    expect(result.messageCount).toBe('4');
    expect(result.uniqueChatters).toBe('1');
  });

  it('aggregation fold - keeps the highest viewer count seen, from presence or an adapter', () => {
    const script = new Script()
      .presence(1, '1', JOIN, 4)
      .viewerCount(2, 9)
      .presence(3, '1', LEAVE, 3)
      .viewerCount(4, 2);

    expect(fold(script).peakConcurrentViewers).toBe('9');
  });

  it('aggregation fold - counts a viewer who joins twice once, and never counts a leave', () => {
    const script = new Script()
      .presence(1, '1', JOIN, 1)
      .presence(2, '1', LEAVE, 0)
      .presence(3, '1', JOIN, 1)
      .presence(4, '2', LEAVE, 0);

    expect(fold(script).uniqueViewers).toBe('1');
  });

  it('aggregation fold - while live, measures duration to the latest event', () => {
    const result = fold(new Script().chat(-30, '1').status(10, LIVE).chat(55, '1').chat(40, '2'));

    expect(result.durationSeconds).toBe('45');
    expect(result.final).toBe(false);
  });

  it('aggregation fold - has no duration before the stream went live', () => {
    expect(fold(new Script().chat(1, '1').chat(100, '2')).durationSeconds).toBe('0');
    expect(fold(new Script().chat(1, '1').status(50, ENDED)).durationSeconds).toBe('0');
  });

  it('aggregation fold - is final after ENDED and later events only move last_sequence', () => {
    const ended = new Script().status(0, LIVE).chat(30, '1').status(60, ENDED);
    const late = new Script().status(0, LIVE).chat(30, '1').status(60, ENDED);
    late.chat(90, '2').presence(95, '3', JOIN, 50).status(99, LIVE);

    const before = fold(ended);
    const after = fold(late);

    expect(after).toEqual({ ...before, lastSequence: '6' });
    expect(after.final).toBe(true);
  });

  it('aggregation fold - ignores events at or below the last folded sequence', () => {
    const script = scripted();
    const once = foldEvents(emptyState('42'), script.events);
    const twice = foldEvents(once, script.events);

    expect(summarize(twice)).toEqual(summarize(once));
  });

  it('aggregation fold - gives the same numbers however the events are split', () => {
    const script = scripted();
    const whole = fold(script);

    for (let cut = 0; cut <= script.events.length; cut += 1) {
      const first = foldEvents(emptyState('42'), script.events.slice(0, cut));
      const second = foldEvents(first, script.events.slice(cut));
      expect(toAggregates(summarize(second), new Date(T0))).toEqual(whole);
    }
  });

  it('aggregation fold - leaves the state it was given untouched', () => {
    const start = foldEvents(emptyState('42'), new Script().chat(1, '1').events);
    const snapshot = { ...start, chatters: new Set(start.chatters) };

    foldEvents(start, scripted().events);

    expect(start).toEqual(snapshot);
  });
});

describe('messagesPerMinute', () => {
  const summary = (messages: number, seconds: number) =>
    summarize({
      ...emptyState('1'),
      messageCount: BigInt(messages),
      liveSince: new Date(T0),
      lastEventTime: new Date(T0 + seconds * 1000),
    });

  it('aggregation fold - divides messages by the live minutes', () => {
    expect(messagesPerMinute(summary(90, 180))).toBe(30);
  });

  it('aggregation fold - counts at least one minute for a short session', () => {
    expect(messagesPerMinute(summary(10, 20))).toBe(10);
    expect(messagesPerMinute(summary(0, 0))).toBe(0);
  });
});

import { EnvReader } from '@roomcast/kit';
import { Session, StreamState } from '@roomcast/proto';
import { describe, expect, it } from 'vitest';

import { readOperatorConfig } from '../src/config.js';
import { liveViewersOf, withLiveViewers } from '../src/live-viewers.js';

function session(state: StreamState, viewerCount: string): Session {
  return Session.fromPartial({ id: '41', roomId: '7', state, viewerCount });
}

const REQUIRED = { ROOM_SERVICE_ADDR: 'room:50052', NATS_URL: 'nats://nats:4222' };

describe('live viewers', () => {
  it('viewers - a LIVE or PAUSED newest session is the live one, with its viewer count', () => {
    expect(liveViewersOf(session(StreamState.STREAM_STATE_LIVE, '2'))).toEqual({
      state: 'live',
      liveSessionId: '41',
      viewerCount: 2,
    });
    expect(liveViewersOf(session(StreamState.STREAM_STATE_PAUSED, '0'))).toEqual({
      state: 'live',
      liveSessionId: '41',
      viewerCount: 0,
    });
  });

  it('viewers - an ended newest session or none at all means the room is idle', () => {
    expect(liveViewersOf(session(StreamState.STREAM_STATE_ENDED, '0'))).toEqual({
      state: 'idle',
    });
    expect(liveViewersOf(undefined)).toEqual({ state: 'idle' });
  });

  it('viewers - a count beyond the CRD int32 shows as the largest int32', () => {
    const viewers = liveViewersOf(session(StreamState.STREAM_STATE_LIVE, '9000000000'));

    expect(viewers).toMatchObject({ viewerCount: 2_147_483_647 });
  });

  it('status - live sets both fields, idle clears them, unknown keeps the last values', () => {
    const before = { roomId: '7', liveSessionId: '40', viewerCount: 5 };

    expect(withLiveViewers(before, { state: 'live', liveSessionId: '41', viewerCount: 2 })).toEqual(
      { roomId: '7', liveSessionId: '41', viewerCount: 2 },
    );
    expect(withLiveViewers(before, { state: 'idle' })).toEqual({ roomId: '7' });
    expect(withLiveViewers(before, { state: 'unknown' })).toEqual(before);
    expect(before).toEqual({ roomId: '7', liveSessionId: '40', viewerCount: 5 });
  });

  it('config - SESSION_SERVICE_ADDR is off by default; the refresh defaults to 10 s', () => {
    const config = readOperatorConfig(new EnvReader(REQUIRED));

    expect(config.sessionServiceAddr).toBeUndefined();
    expect(config.liveSessionRefreshMs).toBe(10_000);
    expect(config.sessionServiceDeadlineMs).toBe(3_000);
  });

  it('config - SESSION_SERVICE_ADDR must be host:port, and says so by name', () => {
    const set = { ...REQUIRED, SESSION_SERVICE_ADDR: 'session:50053' };
    expect(readOperatorConfig(new EnvReader(set)).sessionServiceAddr).toBe('session:50053');

    const bad = { ...REQUIRED, SESSION_SERVICE_ADDR: 'http://session' };
    expect(() => readOperatorConfig(new EnvReader(bad))).toThrow(/SESSION_SERVICE_ADDR/);
  });
});

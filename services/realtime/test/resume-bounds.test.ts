import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeOf, isServiceError } from '@roomcast/kit';
import { sequences } from './stored-feed.js';
import {
  startRealtimeFixture,
  type RealtimeFixture,
  type RealtimeInstance,
} from './realtime-fixture.js';
import { ViewerClient } from './viewer-client.js';

let fixture: RealtimeFixture;
let realtime: RealtimeInstance;

beforeAll(async () => {
  fixture = await startRealtimeFixture();
  realtime = await fixture.start();
});

afterAll(async () => {
  await fixture?.stop();
});

function joinsOf(sessionId: string) {
  return fixture.sessions.presence.filter((signal) => signal.sessionId === sessionId);
}

/** How a StreamEvents call ended: its status and error code. */
function streamEnd(sessionId: string, afterSequence: string) {
  const call = realtime.client.streamEvents({ sessionId, afterSequence });
  call.on('data', () => undefined);
  return new Promise<{ code: number; reason?: string; message?: string }>((resolve) => {
    call.on('error', (error) => {
      resolve({
        code: isServiceError(error) ? error.code : -1,
        reason: errorCodeOf(error as never),
        message: isServiceError(error) ? error.details : undefined,
      });
    });
    call.on('end', () => resolve({ code: 0 }));
  });
}

describe('realtime resume bounds', () => {
  it('realtime - refuses a socket resuming past the last stored event with 4400 naming it', async () => {
    const session = fixture.newSession();
    fixture.feed.store(session, 6);

    const confused = new ViewerClient(realtime.wsUrl(session, { after_sequence: '11' }));
    expect(await confused.closed).toEqual({
      code: 4400,
      reason: `after_sequence 11 is past the last event (sequence 6) of session ${session}`,
    });
    expect(confused.frames).toEqual([]);
    expect(joinsOf(session)).toEqual([]);

    // At the last event itself the resume is fine, and later events all arrive.
    const current = new ViewerClient(realtime.wsUrl(session, { after_sequence: '6' }));
    await expect.poll(() => current.ready?.type).toBe('ready');
    fixture.feed.storeAndPublish(session, 11);
    await expect.poll(() => current.sequences).toEqual(sequences(7, 17));
    current.close();
  });

  it('realtime - refuses a resume past what a watched session has seen live', async () => {
    const session = fixture.newSession();
    const watcher = new ViewerClient(realtime.wsUrl(session));
    await expect.poll(() => watcher.ready?.type).toBe('ready');
    fixture.feed.storeAndPublish(session, 40);
    await expect.poll(() => watcher.sequences.length).toBe(40);

    const ahead = await new ViewerClient(realtime.wsUrl(session, { after_sequence: '41' })).closed;
    expect(ahead.code).toBe(4400);
    expect(ahead.reason).toContain('(sequence 40)');

    const empty = fixture.newSession();
    const early = await new ViewerClient(realtime.wsUrl(empty, { after_sequence: '1' })).closed;
    expect(early.code).toBe(4400);
    expect(early.reason).toContain('(sequence 0)');
    watcher.close();
  });

  it('realtime - StreamEvents refuses an after_sequence past the last stored event', async () => {
    const session = fixture.newSession();
    fixture.feed.store(session, 6);

    expect(await streamEnd(session, '11')).toEqual({
      code: 3,
      reason: 'INVALID_AFTER_SEQUENCE',
      message: `after_sequence 11 is past the last event (sequence 6) of session ${session}`,
    });
  });
});

import { status, type ServiceError } from '@grpc/grpc-js';
import { startNats, startPostgres, type NatsServer, type PostgresServer } from '@roomcast/harness';
import { callUnary, errorCodeOf } from '@roomcast/kit';
import { EventType, StreamState, type ListSessionEventsRequest } from '@roomcast/proto';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chatEvent,
  freshSessionId,
  publishRaw,
  startEvent,
  statusEvent,
  storedCount,
  type EventInstance,
} from './event-fixture.js';

let postgres: PostgresServer;
let nats: NatsServer;
let nc: NatsConnection;
let event: EventInstance;
const sessionId = freshSessionId();

/** 150 events: a LIVE status, then chat, with a PAUSED status at 50 and a LIVE at 100. */
beforeAll(async () => {
  [postgres, nats] = await Promise.all([startPostgres(), startNats()]);
  event = await startEvent({ postgres, nats });
  nc = await connect({ servers: nats.url });

  const events = Array.from({ length: 150 }, (_, i) => {
    if (i === 0 || i === 100) return statusEvent(sessionId, StreamState.STREAM_STATE_LIVE);
    if (i === 50) return statusEvent(sessionId, StreamState.STREAM_STATE_PAUSED);
    return chatEvent(sessionId, '9', `line ${i}`);
  });
  await publishRaw(nc.jetstream(), events);
  await storedCount(event.client, sessionId, 150);
});

afterAll(async () => {
  await nc?.close();
  await event?.stop();
  await Promise.all([postgres?.stop(), nats?.stop()]);
});

const list = (request: Partial<ListSessionEventsRequest>) =>
  callUnary(event.client, event.client.listSessionEvents, {
    sessionId,
    afterSequence: '0',
    pageSize: 0,
    pageToken: '',
    types: [],
    ...request,
  });

const sequences = (events: Array<{ sequence: string }>) => events.map((e) => Number(e.sequence));
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('ListSessionEvents', () => {
  it('event history - pages through a session by ascending sequence with opaque tokens', async () => {
    const seen: number[] = [];
    let pageToken = '';
    let pages = 0;
    do {
      const page = await list({ pageSize: 40, pageToken });
      seen.push(...sequences(page.events));
      pageToken = page.nextPageToken;
      pages += 1;
      if (pageToken) expect(pageToken).not.toMatch(/^\d+$/);
    } while (pageToken);

    expect(pages).toBe(4);
    expect(seen).toEqual(range(1, 150));
  });

  it('event history - returns 100 events by default and a token for the rest', async () => {
    const page = await list({});

    expect(sequences(page.events)).toEqual(range(1, 100));
    expect(page.nextPageToken).not.toBe('');
  });

  it('event history - starts after after_sequence, and a page token overrides it', async () => {
    const after = await list({ afterSequence: '140' });
    const first = await list({ pageSize: 5 });
    const next = await list({ afterSequence: '140', pageSize: 5, pageToken: first.nextPageToken });

    expect(sequences(after.events)).toEqual(range(141, 150));
    expect(after.nextPageToken).toBe('');
    expect(sequences(next.events)).toEqual(range(6, 10));
  });

  it('event history - filters by type and pages within the filter', async () => {
    const statuses = await list({ types: [EventType.EVENT_TYPE_STREAM_STATUS], pageSize: 2 });
    const rest = await list({
      types: [EventType.EVENT_TYPE_STREAM_STATUS],
      pageToken: statuses.nextPageToken,
    });

    expect(sequences(statuses.events)).toEqual([1, 51]);
    expect(sequences(rest.events)).toEqual([101]);
    expect(rest.events[0]!.streamStatus?.state).toBe(StreamState.STREAM_STATE_LIVE);
    expect(rest.nextPageToken).toBe('');
  });

  it('event history - an unknown session has an empty history', async () => {
    const page = await list({ sessionId: freshSessionId() });

    expect(page).toEqual({ events: [], nextPageToken: '' });
  });

  const badInput: Array<[string, Partial<ListSessionEventsRequest>, string]> = [
    ['a zero session_id', { sessionId: '0' }, 'INVALID_ID'],
    ['a negative session_id', { sessionId: '-4' }, 'INVALID_ID'],
    ['a negative page_size', { pageSize: -1 }, 'INVALID_PAGE_SIZE'],
    ['a page_size over 1000', { pageSize: 1001 }, 'INVALID_PAGE_SIZE'],
    ['a page_token it never issued', { pageToken: 'bm90LWEtdG9rZW4' }, 'INVALID_PAGE_TOKEN'],
    ['a negative after_sequence', { afterSequence: '-3' }, 'INVALID_AFTER_SEQUENCE'],
    ['an unspecified type', { types: [EventType.EVENT_TYPE_UNSPECIFIED] }, 'INVALID_EVENT_TYPE'],
  ];

  it.each(badInput)(
    'event history - refuses %s with INVALID_ARGUMENT',
    async (_, request, code) => {
      const error = (await list(request).then(
        () => expect.fail('the call succeeded'),
        (caught: unknown) => caught,
      )) as ServiceError;

      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(errorCodeOf(error)).toBe(code);
    },
  );
});

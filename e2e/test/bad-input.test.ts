import { startStack, type Stack } from '@roomcast/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestClient } from '../src/index.js';

/**
 * Every public endpoint, through Envoy, refuses bad input with a JSON 4xx that names the problem,
 * and stores nothing: the counts read back afterwards are unchanged.
 */

let stack: Stack;
let api: RestClient;
let roomId = '';
let sessionId = '';
let userId = '';

beforeAll(async () => {
  stack = await startStack({ logLevel: 'warn' });
  api = new RestClient(stack.restUrl);
  userId = (await api.ok<{ id: string }>('POST', '/v1/users', { handle: 'bad_input_host' })).id;
  roomId = (
    await api.ok<{ id: string }>('POST', '/v1/rooms', {
      slug: 'bad-input',
      title: 'Bad input',
      owner: 'bad_input_host',
      chat: { maxMessageLength: 10 },
    })
  ).id;
  sessionId = (await api.ok<{ id: string }>('POST', '/v1/sessions', { roomId })).id;
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PATCH';
  path: () => string;
  /** Built when the case runs, after the ids exist. */
  body?: string | (() => string);
  status: number;
  /** A word the message or reason must contain. */
  mentions: RegExp;
}

const json = (value: unknown) => JSON.stringify(value);
const oversized = json({ handle: 'big_body', displayName: 'x'.repeat(2 * 1024 * 1024) });

const cases: Case[] = [
  {
    name: 'malformed JSON',
    method: 'POST',
    path: () => '/v1/users',
    body: '{"handle": ',
    status: 400,
    mentions: /json|unexpected|parse|invalid/i,
  },
  {
    name: 'a body that is not an object',
    method: 'POST',
    path: () => '/v1/users',
    body: '[1,2]',
    status: 400,
    mentions: /./,
  },
  {
    name: 'an unknown field',
    method: 'POST',
    path: () => '/v1/users',
    body: json({ handle: 'x_unknown', nickname: 'x' }),
    status: 400,
    mentions: /nickname/,
  },
  {
    name: 'a display name with a NUL character',
    method: 'POST',
    path: () => '/v1/users',
    body: json({ handle: 'nul_name', displayName: 'a\u0000b' }),
    status: 400,
    mentions: /INVALID_TEXT/,
  },
  {
    name: 'a room title with a NUL character',
    method: 'POST',
    path: () => '/v1/rooms',
    body: json({ slug: 'nul-title', title: 'a\u0000b', owner: 'bad_input_host' }),
    status: 400,
    mentions: /INVALID_TEXT/,
  },
  {
    name: 'a chat message with a NUL character',
    method: 'POST',
    path: () => `/v1/sessions/${sessionId}/messages`,
    body: () => json({ userId, text: 'a\u0000b' }),
    status: 400,
    mentions: /INVALID_TEXT/,
  },
  {
    name: 'a wrong type',
    method: 'POST',
    path: () => '/v1/users',
    body: json({ handle: 42 }),
    status: 400,
    mentions: /handle|string/i,
  },
  {
    name: 'an unknown enum value',
    method: 'POST',
    path: () => '/v1/users',
    body: json({ handle: 'enum_x', role: 'USER_ROLE_KING' }),
    status: 400,
    mentions: /USER_ROLE_KING|enum|role/i,
  },
  {
    name: 'a missing handle',
    method: 'POST',
    path: () => '/v1/users',
    body: json({}),
    status: 400,
    mentions: /INVALID_HANDLE|handle/,
  },
  {
    name: 'an oversized body',
    method: 'POST',
    path: () => '/v1/users',
    body: oversized,
    status: 413,
    mentions: /./,
  },
  {
    name: 'a non-numeric user id',
    method: 'GET',
    path: () => '/v1/users/abc',
    status: 400,
    mentions: /./,
  },
  {
    name: 'an unknown user',
    method: 'GET',
    path: () => '/v1/users/987654321',
    status: 404,
    mentions: /USER_NOT_FOUND/,
  },
  {
    name: 'a bad page token',
    method: 'GET',
    path: () => '/v1/users?pageToken=zzz',
    status: 400,
    mentions: /INVALID_PAGE_TOKEN/,
  },
  {
    name: 'an unknown query parameter',
    method: 'GET',
    path: () => '/v1/users?colour=red',
    status: 400,
    mentions: /colour|parameter/i,
  },
  {
    name: 'a bad slug',
    method: 'POST',
    path: () => '/v1/rooms',
    body: json({ slug: 'Not A Slug', title: 't', owner: 'bad_input_host' }),
    status: 400,
    mentions: /INVALID_SLUG|slug/,
  },
  {
    name: 'a blank room title',
    method: 'POST',
    path: () => '/v1/rooms',
    body: json({ slug: 'blank-title', title: '  ', owner: 'bad_input_host' }),
    status: 400,
    mentions: /title/i,
  },
  {
    name: 'a chat limit out of range',
    method: 'POST',
    path: () => '/v1/rooms',
    body: json({
      slug: 'limits',
      title: 't',
      owner: 'bad_input_host',
      chat: { maxMessageLength: 99999 },
    }),
    status: 400,
    mentions: /max_message_length|INVALID_CHAT_SETTINGS/,
  },
  {
    name: 'a taken slug',
    method: 'POST',
    path: () => '/v1/rooms',
    body: json({ slug: 'bad-input', title: 't', owner: 'bad_input_host' }),
    status: 409,
    mentions: /ROOM_SLUG_TAKEN/,
  },
  {
    name: 'an unknown room',
    method: 'GET',
    path: () => '/v1/rooms/987654321',
    status: 404,
    mentions: /ROOM_NOT_FOUND/,
  },
  {
    name: 'an update of an unknown room',
    method: 'PATCH',
    path: () => '/v1/rooms/987654321',
    body: json({ title: 'x' }),
    status: 404,
    mentions: /ROOM_NOT_FOUND/,
  },
  {
    name: 'a session in an unknown room',
    method: 'POST',
    path: () => '/v1/sessions',
    body: json({ roomId: '987654321' }),
    status: 404,
    mentions: /ROOM_NOT_FOUND/,
  },
  {
    name: 'a second live session in a room',
    method: 'POST',
    path: () => '/v1/sessions',
    body: () => json({ roomId }),
    status: 409,
    mentions: /SESSION_ALREADY_LIVE/,
  },
  {
    name: 'an unknown session',
    method: 'GET',
    path: () => '/v1/sessions/987654321',
    status: 404,
    mentions: /SESSION_NOT_FOUND/,
  },
  {
    name: 'an empty chat message',
    method: 'POST',
    path: () => `/v1/sessions/${sessionId}/messages`,
    body: () => json({ userId, text: '' }),
    status: 400,
    mentions: /text/i,
  },
  {
    name: 'a chat message over the room limit',
    method: 'POST',
    path: () => `/v1/sessions/${sessionId}/messages`,
    body: () => json({ userId, text: 'ünïcödé 🎉🎉🎉' }),
    status: 400,
    mentions: /10/,
  },
  {
    name: 'a chat message without a user',
    method: 'POST',
    path: () => `/v1/sessions/${sessionId}/messages`,
    body: json({ text: 'hi' }),
    status: 400,
    mentions: /user_id/,
  },
  {
    name: 'an ENDED status through SetStreamStatus',
    method: 'POST',
    path: () => `/v1/sessions/${sessionId}:status`,
    body: json({ state: 'STREAM_STATE_ENDED' }),
    status: 400,
    mentions: /./,
  },
  {
    name: 'a page size over the limit',
    method: 'GET',
    path: () => `/v1/events/sessions/${sessionId}?pageSize=5000`,
    status: 400,
    mentions: /page_size/,
  },
  {
    name: 'a bad event session id',
    method: 'GET',
    path: () => '/v1/events/sessions/0',
    status: 400,
    mentions: /session_id/,
  },
  {
    name: 'analytics of an unknown session',
    method: 'GET',
    path: () => '/v1/aggregation/sessions/987654321',
    status: 404,
    mentions: /NOT_FOUND/,
  },
  {
    name: 'an unknown path',
    method: 'GET',
    path: () => '/v2/nothing',
    status: 404,
    mentions: /nothing|route/,
  },
  {
    name: 'an unknown method on a known prefix',
    method: 'POST',
    path: () => '/v1/users/1:explode',
    body: '{}',
    status: 404,
    mentions: /./,
  },
];

describe('bad input through Envoy', () => {
  it.each(cases)('bad input - refuses $name with a JSON $status', async (testCase) => {
    const before = await storedCounts();
    const response = await api.send<Record<string, unknown>>(
      testCase.method,
      testCase.path(),
      typeof testCase.body === 'function' ? testCase.body() : testCase.body,
    );

    expect(response.status).toBe(testCase.status);
    expect(response.contentType).toMatch(/application\/json/);
    expect(typeof response.body.message).toBe('string');
    expect(JSON.stringify(response.body)).toMatch(testCase.mentions);
    expect(await storedCounts()).toEqual(before);
  });
});

/** How many users, rooms and session events exist: bad input must change none of them. */
async function storedCounts(): Promise<number[]> {
  const users = await api.ok<{ users: unknown[] }>('GET', '/v1/users?pageSize=200');
  const rooms = await api.ok<{ rooms: unknown[] }>(
    'GET',
    '/v1/rooms?pageSize=200&includeArchived=true',
  );
  const events = await api.ok<{ events: unknown[] }>(
    'GET',
    `/v1/events/sessions/${sessionId}?pageSize=1000`,
  );
  return [users.users.length, rooms.rooms.length, events.events.length];
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DESCRIPTOR_SET_PATH } from '@roomcast/proto';
import { luaPathPattern, readBodySchema } from '../src/body-schema.js';

describe('body schema', () => {
  it('body schema - turns HTTP rule templates into anchored Lua patterns', () => {
    expect(luaPathPattern('/v1/users')).toBe('^/v1/users$');
    expect(luaPathPattern('/v1/users/{user_id}')).toBe('^/v1/users/[^/]+$');
    expect(luaPathPattern('/v1/sessions/{session_id}:end')).toBe('^/v1/sessions/[^/]+%:end$');
    expect(luaPathPattern('/v1/a-b/{x=**}')).toBe('^/v1/a%-b/.+$');
  });

  it('body schema - lists the body fields of each REST method, JSON and proto names alike', () => {
    const schema = readBodySchema(readFileSync(DESCRIPTOR_SET_PATH), ['roomcast.v1.UserService']);

    expect(schema.rules).toEqual([
      { method: 'POST', pathPattern: '^/v1/users$', message: 'roomcast.v1.CreateUserRequest' },
      {
        method: 'PATCH',
        pathPattern: '^/v1/users/[^/]+$',
        message: 'roomcast.v1.UpdateUserRequest',
      },
    ]);
    expect(schema.messages['roomcast.v1.CreateUserRequest']).toEqual({
      handle: true,
      display_name: true,
      displayName: true,
      role: true,
    });
  });

  it('body schema - follows nested messages so their fields are checked too', () => {
    const schema = readBodySchema(readFileSync(DESCRIPTOR_SET_PATH), ['roomcast.v1.RoomService']);

    expect(schema.messages['roomcast.v1.CreateRoomRequest'].chat).toBe('roomcast.v1.ChatSettings');
    expect(schema.messages['roomcast.v1.ChatSettings']).toMatchObject({
      maxMessageLength: true,
      max_message_length: true,
    });
  });
});

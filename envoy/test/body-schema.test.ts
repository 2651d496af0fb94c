import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DESCRIPTOR_SET_PATH } from '@roomcast/proto';
import { luaPathPattern, pathFields, readBodySchema } from '../src/body-schema.js';

describe('body schema', () => {
  it('body schema - turns HTTP rule templates into anchored Lua patterns', () => {
    expect(luaPathPattern('/v1/users')).toBe('^/v1/users$');
    expect(luaPathPattern('/v1/users/{user_id}')).toBe('^/v1/users/[^/:]+$');
    expect(luaPathPattern('/v1/a/{id}/b')).toBe('^/v1/a/[^/]+/b$');
    expect(luaPathPattern('/v1/sessions/{session_id}:end')).toBe('^/v1/sessions/[^/:]+%:end$');
    expect(luaPathPattern('/v1/a-b/{x=**}')).toBe('^/v1/a%-b/.+$');
  });

  it('body schema - names each field a path binds by proto and JSON name', () => {
    expect(pathFields('/v1/users')).toEqual([]);
    expect(pathFields('/v1/users/{user_id}')).toEqual(['user_id', 'userId']);
    expect(pathFields('/v1/a/{room_id}/b/{owner.user_id=**}:go')).toEqual([
      'room_id',
      'roomId',
      'owner.user_id',
      'owner.userId',
    ]);
    expect(pathFields('/v1/x/{id}')).toEqual(['id']);
  });

  it('body schema - lists every REST method, its path fields and its body message', () => {
    const schema = readBodySchema(readFileSync(DESCRIPTOR_SET_PATH), ['roomcast.v1.UserService']);

    expect(schema.rules).toEqual([
      {
        method: 'POST',
        pathPattern: '^/v1/users$',
        pathFields: [],
        message: 'roomcast.v1.CreateUserRequest',
      },
      { method: 'GET', pathPattern: '^/v1/users/[^/:]+$', pathFields: ['user_id', 'userId'] },
      { method: 'GET', pathPattern: '^/v1/users$', pathFields: [] },
      {
        method: 'PATCH',
        pathPattern: '^/v1/users/[^/:]+$',
        pathFields: ['user_id', 'userId'],
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

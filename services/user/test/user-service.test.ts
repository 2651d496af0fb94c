import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { startPostgres, type PostgresServer } from '@roomcast/harness';
import { callUnary, errorCodeOf, startService, type RunningService } from '@roomcast/kit';
import { UserRole, UserServiceClient } from '@roomcast/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userService } from '../src/index.js';

let postgres: PostgresServer;
let service: RunningService;
let client: UserServiceClient;

beforeAll(async () => {
  postgres = await startPostgres();
  service = await startService(
    userService({
      bindHost: '127.0.0.1',
      grpcPort: 0,
      metricsPort: 0,
      shutdownGraceMs: 1_000,
      databaseUrl: postgres.url,
    }),
  );
  client = new UserServiceClient(`127.0.0.1:${service.grpcPort}`, credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await service?.stop();
  await postgres?.stop();
});

const create = (handle: string, extra: { displayName?: string; role?: UserRole } = {}) =>
  callUnary(client, client.createUser, {
    handle,
    displayName: extra.displayName ?? '',
    role: extra.role ?? UserRole.USER_ROLE_UNSPECIFIED,
  });

async function refusal(promise: Promise<unknown>): Promise<{ code: number; reason?: string }> {
  const error = (await promise.then(
    () => expect.fail('the call succeeded'),
    (caught: unknown) => caught,
  )) as ServiceError;
  return { code: error.code, reason: errorCodeOf(error) };
}

describe('user service', () => {
  it('user - creates a viewer by default and reads it back by id', async () => {
    const user = await create('ada');

    expect(user.role).toBe(UserRole.USER_ROLE_VIEWER);
    expect(user.displayName).toBe('ada');
    expect(user.id).toMatch(/^\d+$/);
    await expect(callUnary(client, client.getUser, { userId: user.id })).resolves.toMatchObject({
      handle: 'ada',
    });
  });

  it('user - keeps a display name with emoji and non-Latin letters exactly', async () => {
    const user = await create('emoji_fan', { displayName: 'Zoë 🎉 日本語' });
    const read = await callUnary(client, client.getUser, { userId: user.id });

    expect(read.displayName).toBe('Zoë 🎉 日本語');
  });

  it('user - refuses a taken handle with ALREADY_EXISTS USER_HANDLE_TAKEN', async () => {
    await create('grace');

    await expect(refusal(create('grace'))).resolves.toEqual({
      code: status.ALREADY_EXISTS,
      reason: 'USER_HANDLE_TAKEN',
    });
  });

  it('user - updates only the fields that are given', async () => {
    const user = await create('linus', { displayName: 'Linus', role: UserRole.USER_ROLE_ADMIN });
    const updated = await callUnary(client, client.updateUser, {
      userId: user.id,
      displayName: 'Linus T',
      role: UserRole.USER_ROLE_UNSPECIFIED,
    });

    expect(updated).toMatchObject({ displayName: 'Linus T', role: UserRole.USER_ROLE_ADMIN });
  });

  it('user - pages through users with an opaque token', async () => {
    for (const handle of ['page_a', 'page_b', 'page_c']) await create(handle);

    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await callUnary(client, client.listUsers, { pageSize: 2, pageToken });
      expect(page.users.length).toBeLessThanOrEqual(2);
      seen.push(...page.users.map((user) => user.handle));
      pageToken = page.nextPageToken;
    } while (pageToken);

    expect(seen).toEqual(expect.arrayContaining(['page_a', 'page_b', 'page_c']));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it.each([
    ['a handle that is too short', () => create('ab'), 'INVALID_HANDLE'],
    ['a handle with capitals', () => create('Ada'), 'INVALID_HANDLE'],
    ['a blank display name', () => create('blank', { displayName: '   ' }), 'INVALID_DISPLAY_NAME'],
    ['an unknown role', () => create('role', { role: UserRole.UNRECOGNIZED }), 'INVALID_ROLE'],
    ['a zero user id', () => callUnary(client, client.getUser, { userId: '0' }), 'INVALID_ID'],
    [
      'a forged page token',
      () => callUnary(client, client.listUsers, { pageSize: 0, pageToken: 'bm9wZQ' }),
      'INVALID_PAGE_TOKEN',
    ],
    [
      'a page size over 200',
      () => callUnary(client, client.listUsers, { pageSize: 201, pageToken: '' }),
      'INVALID_PAGE_SIZE',
    ],
  ])('user - refuses %s with INVALID_ARGUMENT', async (_name, call, reason) => {
    await expect(refusal(call())).resolves.toEqual({ code: status.INVALID_ARGUMENT, reason });
  });

  it('user - answers NOT_FOUND USER_NOT_FOUND for an unknown id', async () => {
    await expect(refusal(callUnary(client, client.getUser, { userId: '999999' }))).resolves.toEqual(
      { code: status.NOT_FOUND, reason: 'USER_NOT_FOUND' },
    );
  });
});

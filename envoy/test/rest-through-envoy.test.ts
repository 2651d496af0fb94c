/**
 * REST JSON through a real Envoy, running the generated config, in front of the real User
 * service on real PostgreSQL.
 */
import { credentials, Server, ServerCredentials, status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderGatewayYaml } from '@roomcast/envoy';
import {
  freePort,
  startEnvoy,
  startPostgres,
  type EnvoyServer,
  type PostgresServer,
} from '@roomcast/harness';
import { startService, type RunningService } from '@roomcast/kit';
import {
  PresenceAction,
  SessionServiceClient,
  SessionServiceService,
  type SessionServiceServer,
} from '@roomcast/proto';
import { userService } from '@roomcast/user';

const MAX_BODY_BYTES = 8 * 1024;

let postgres: PostgresServer;
let user: RunningService;
let envoy: EnvoyServer;
let sessionStub: { server: Server; port: number; calls: string[] };
let gateway: string;

beforeAll(async () => {
  postgres = await startPostgres();
  user = await startService(
    userService({
      bindHost: '127.0.0.1',
      grpcPort: 0,
      metricsPort: 0,
      shutdownGraceMs: 1_000,
      databaseUrl: postgres.url,
    }),
  );
  sessionStub = await startSessionStub();

  const port = await freePort();
  gateway = `http://127.0.0.1:${port}`;
  envoy = await startEnvoy({
    configYaml: renderGatewayYaml({
      listener: { port },
      upstreams: {
        user: { host: '127.0.0.1', port: user.grpcPort },
        session: { host: '127.0.0.1', port: sessionStub.port },
      },
      maxRequestBodyBytes: MAX_BODY_BYTES,
    }),
  });
});

afterAll(async () => {
  await envoy?.stop();
  sessionStub?.server.forceShutdown();
  await user?.stop();
  await postgres?.stop();
});

/**
 * Stands in for Session: records every call that reaches it, so the test can show that Envoy
 * forwarded none of the internal ones.
 */
async function startSessionStub() {
  const calls: string[] = [];
  const record =
    (name: string) => (_call: unknown, callback: (error: Partial<ServiceError>) => void) => {
      calls.push(name);
      callback({ code: status.INTERNAL, details: `${name} reached the session stub` });
    };
  const server = new Server();
  server.addService(SessionServiceService, {
    signalUserPresence: record('SignalUserPresence'),
    updateSessionAggregates: record('UpdateSessionAggregates'),
  } as Partial<SessionServiceServer> as SessionServiceServer);

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { server, port, calls };
}

interface Reply {
  status: number;
  contentType: string | null;
  // Parsed JSON straight off the wire; the assertions are its type check.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

async function call(
  method: string,
  path: string,
  body?: string | object,
  contentType = 'application/json',
): Promise<Reply & { allow: string | null }> {
  const response = await fetch(`${gateway}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body: typeof body === 'object' ? JSON.stringify(body) : body,
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    allow: response.headers.get('allow'),
    body: text === '' ? undefined : JSON.parse(text),
  };
}

async function userCount(): Promise<number> {
  const { body } = await call('GET', '/v1/users?pageSize=200');
  return body.users.length;
}

describe('REST through Envoy', () => {
  it('gateway - creates, reads, updates and lists users as JSON, ids as strings', async () => {
    const created = await call('POST', '/v1/users', {
      handle: 'ada',
      displayName: 'Ada 🚀 Lovelace',
      role: 'USER_ROLE_BROADCASTER',
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ handle: 'ada', displayName: 'Ada 🚀 Lovelace' });
    expect(created.body.id).toMatch(/^[1-9]\d*$/);

    const read = await call('GET', `/v1/users/${created.body.id}`);
    expect(read.body).toEqual(created.body);

    const updated = await call('PATCH', `/v1/users/${created.body.id}`, { displayName: 'Ada ✨' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: created.body.id, displayName: 'Ada ✨' });
    expect(updated.body.role).toBe('USER_ROLE_BROADCASTER');

    await call('POST', '/v1/users', { handle: 'grace', displayName: 'Grace' });
    const firstPage = await call('GET', '/v1/users?pageSize=1');
    expect(firstPage.body.users).toHaveLength(1);
    expect(firstPage.body.nextPageToken).not.toBe('');
    const secondPage = await call(
      'GET',
      `/v1/users?pageSize=1&pageToken=${firstPage.body.nextPageToken}`,
    );
    expect(secondPage.body.users[0].handle).not.toBe(firstPage.body.users[0].handle);
  });

  it('gateway - a duplicate handle is a 409 with the stable reason', async () => {
    await call('POST', '/v1/users', { handle: 'linus', displayName: 'Linus' });
    const again = await call('POST', '/v1/users', { handle: 'linus', displayName: 'Linus 2' });

    expect(again.status).toBe(409);
    expect(again.contentType).toBe('application/json');
    expect(again.body).toMatchObject({ code: 6, message: 'the handle "linus" is already taken' });
    expect(again.body.details[0]).toMatchObject({
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'USER_HANDLE_TAKEN',
    });
  });

  it('gateway - a service error message keeps its non-ASCII text intact', async () => {
    const refused = await call('POST', '/v1/users', { handle: 'Łucja🎈', displayName: 'Łucja' });

    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('got "Łucja🎈"');
    expect(refused.body.details[0].reason).toBe('INVALID_HANDLE');
  });

  it('gateway - an unknown user id is a JSON 404', async () => {
    const missing = await call('GET', '/v1/users/987654321');

    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 5, message: 'user 987654321 does not exist' });
    expect(missing.body.details[0].reason).toBe('USER_NOT_FOUND');
  });

  it('gateway - bad bodies are JSON 400s naming the problem, and nothing is stored', async () => {
    const before = await userCount();
    const cases: Array<[body: string, reason: string, message: RegExp]> = [
      ['{"handle": "mal", ', 'INVALID_JSON', /Unexpected end of string/],
      ['{"handle": "typo", "displayname": "Typo"}', 'UNKNOWN_FIELD', /unknown field "displayname"/],
      ['{"handle": 42}', 'INVALID_REQUEST', /handle: invalid value 42 for type TYPE_STRING/],
      [
        '{"handle": "king", "role": "USER_ROLE_KING"}',
        'INVALID_REQUEST',
        /role: invalid value "USER_ROLE_KING"/,
      ],
    ];

    for (const [body, reason, message] of cases) {
      const refused = await call('POST', '/v1/users', body);
      expect(refused.status, body).toBe(400);
      expect(refused.contentType).toBe('application/json');
      expect(refused.body.code).toBe(3);
      expect(refused.body.reason, body).toBe(reason);
      expect(refused.body.message).toMatch(message);
    }
    expect(await userCount()).toBe(before);
  });

  it('gateway - an oversized body is a JSON 413', async () => {
    const body = JSON.stringify({ handle: 'big', displayName: 'x'.repeat(MAX_BODY_BYTES) });
    const refused = await call('POST', '/v1/users', body);

    expect(refused.status).toBe(413);
    expect(refused.body).toEqual({
      code: 3,
      reason: 'BODY_TOO_LARGE',
      message: `the request body is larger than the limit of ${MAX_BODY_BYTES} bytes`,
    });
  });

  it('gateway - an unknown path or custom verb is a JSON 404 naming the path', async () => {
    for (const [method, path] of [
      ['GET', '/nowhere/at/all'],
      ['GET', '/v1/usersx'],
      ['GET', '/v1/users/1/friends'],
      ['POST', '/v1/users/1:explode'],
    ]) {
      const missing = await call(method, path);
      expect(missing.status, path).toBe(404);
      expect(missing.body).toEqual({
        code: 5,
        reason: 'ROUTE_NOT_FOUND',
        message: `no route for ${path}`,
      });
    }
  });

  it('gateway - a method a known path does not take is a JSON 405 listing the ones it does', async () => {
    const cases: Array<[method: string, path: string, allow: string]> = [
      ['DELETE', '/v1/users/1', 'GET, PATCH'],
      ['PUT', '/v1/users/1', 'GET, PATCH'],
      ['DELETE', '/v1/users', 'POST, GET'],
    ];

    for (const [method, path, allow] of cases) {
      const refused = await call(method, path);
      expect(refused.status, `${method} ${path}`).toBe(405);
      expect(refused.allow).toBe(allow);
      expect(refused.body).toEqual({
        code: 12,
        reason: 'METHOD_NOT_ALLOWED',
        message: `${method} is not allowed on ${path}; it takes ${allow}`,
      });
    }
  });

  it('gateway - an unknown query parameter is a JSON 400', async () => {
    const refused = await call('GET', '/v1/users?colour=blue');

    expect(refused.status).toBe(400);
    expect(refused.body.reason).toBe('INVALID_REQUEST');
    expect(refused.body.message).toMatch(/Could not find field "colour"/);
  });

  it('gateway - a query parameter may not overwrite a field the path binds', async () => {
    const first = await call('POST', '/v1/users', { handle: 'first', displayName: 'First' });
    const second = await call('POST', '/v1/users', { handle: 'second', displayName: 'Second' });
    const path = `/v1/users/${first.body.id}`;

    for (const name of ['userId', 'user_id', 'user%5Fid']) {
      const refused = await call('GET', `${path}?${name}=${second.body.id}`);
      expect(refused.status, name).toBe(400);
      expect(refused.body).toEqual({
        code: 3,
        reason: 'PATH_FIELD_IN_QUERY',
        message: `query parameter "${decodeURIComponent(name)}" names a field the path ${path} already sets`,
      });
    }
    expect((await call('GET', path)).body.handle).toBe('first');
  });

  it('gateway - a posted message cannot be redirected to another session by the query', async () => {
    const refused = await call('POST', '/v1/sessions/1/messages?sessionId=2', { text: 'hi' });

    expect(refused.status).toBe(400);
    expect(refused.body.reason).toBe('PATH_FIELD_IN_QUERY');
    expect(refused.body.message).toMatch(/query parameter "sessionId"/);
    expect(sessionStub.calls).toEqual([]);
  });

  it('gateway - a path Envoy cannot read is a JSON 400 with a message', async () => {
    const refused = await call('GET', '/v1/users/1%00');

    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      code: 3,
      reason: 'MALFORMED_REQUEST',
      message: 'the request path or headers cannot be read (path_normalization_failed)',
    });
  });

  it('gateway - JSON sent as application/grpc by a non-gRPC client is a JSON 403', async () => {
    const refused = await call('POST', '/v1/users', { handle: 'sneaky' }, 'application/grpc');

    expect(refused.status).toBe(403);
    expect(refused.contentType).toBe('application/json');
    expect(refused.body).toEqual({
      code: 7,
      reason: 'GRPC_NOT_SERVED',
      message: 'gRPC is not served on the public gateway; call the REST API under /v1 instead',
    });
  });

  it('gateway - refuses gRPC from outside, so internal Session RPCs stay internal', async () => {
    const client = new SessionServiceClient(
      gateway.replace('http://', ''),
      credentials.createInsecure(),
    );
    const presence = {
      sessionId: '1',
      userId: '1',
      action: PresenceAction.PRESENCE_ACTION_JOIN,
      connectionId: 'c',
    };
    try {
      const error = await new Promise<ServiceError>((resolve) =>
        client.signalUserPresence(presence, (caught) => resolve(caught as ServiceError)),
      );
      expect(error.code).toBe(status.PERMISSION_DENIED);
      expect(error.details).toMatch(/gRPC is not served on the public gateway/);

      const aggregates = await new Promise<ServiceError>((resolve) =>
        client.updateSessionAggregates({ sessionId: '1' }, (caught) =>
          resolve(caught as ServiceError),
        ),
      );
      expect(aggregates.code).toBe(status.PERMISSION_DENIED);
    } finally {
      client.close();
    }
    expect(sessionStub.calls).toEqual([]);
  });

  it('gateway - answers with a request id and CORS headers for an allowed origin', async () => {
    const response = await fetch(`${gateway}/v1/users`, {
      headers: { origin: 'http://app.test', 'x-request-id': 'chosen-by-the-client' },
    });

    // A client does not pick the id the services and the access log go by.
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://app.test');
  });
});

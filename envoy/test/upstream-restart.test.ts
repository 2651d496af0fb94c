/**
 * A service restarting behind a real Envoy: requests that never reached it are retried, and when
 * it stays down the client gets a JSON 503 naming the service, not Envoy's connection details.
 */
import { Server, ServerCredentials, type ServiceError } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderGatewayYaml } from '@roomcast/envoy';
import { freePort, startEnvoy, type EnvoyServer } from '@roomcast/harness';
import {
  UserRole,
  UserServiceService,
  type CreateUserRequest,
  type GetUserRequest,
  type User,
  type UserServiceServer,
} from '@roomcast/proto';

let envoy: EnvoyServer;
let gateway: string;
let userPort: number;
let stub: { server: Server; calls: string[] } | undefined;

beforeAll(async () => {
  userPort = await freePort();
  const port = await freePort();
  gateway = `http://127.0.0.1:${port}`;
  envoy = await startEnvoy({
    configYaml: renderGatewayYaml({
      listener: { port },
      upstreams: { user: { host: '127.0.0.1', port: userPort } },
    }),
  });
});

afterEach(() => {
  stub?.server.forceShutdown();
  stub = undefined;
});

afterAll(async () => {
  await envoy?.stop();
});

/** A User service on the fixed port, recording every call that reaches it. */
async function startUserStub(): Promise<{ server: Server; calls: string[] }> {
  const calls: string[] = [];
  const user = (id: string, handle: string): User => ({
    id,
    handle,
    displayName: handle,
    role: UserRole.USER_ROLE_VIEWER,
  });
  type Callback = (error: ServiceError | null, user?: User) => void;
  const server = new Server();
  server.addService(UserServiceService, {
    getUser: (call: { request: GetUserRequest }, callback: Callback) => {
      calls.push(`GetUser ${call.request.userId}`);
      callback(null, user(call.request.userId, 'stub'));
    },
    createUser: (call: { request: CreateUserRequest }, callback: Callback) => {
      calls.push(`CreateUser ${call.request.handle}`);
      callback(null, user('1', call.request.handle));
    },
  } as Partial<UserServiceServer> as UserServiceServer);

  await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${userPort}`, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { server, calls };
}

/** A counter of the user cluster from Envoy's admin, such as `upstream_rq_retry`. */
async function userClusterStat(name: string): Promise<number> {
  const stat = `cluster.user_grpc.${name}`;
  const text = await (await fetch(`${envoy.adminUrl}/stats?filter=^${stat}$`)).text();
  return Number(/: (\d+)/.exec(text)?.[1] ?? 0);
}

async function createUser(handle: string) {
  const response = await fetch(`${gateway}/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ handle, displayName: handle }),
  });
  return { status: response.status, body: await response.json() };
}

describe('a restarting upstream behind Envoy', () => {
  it('gateway - a service that is down is a JSON 503 naming it, with no Envoy internals', async () => {
    stub = await startUserStub();
    const up = await fetch(`${gateway}/v1/users/7`);
    expect(up.status).toBe(200);
    stub.server.forceShutdown();
    const retriesBefore = await userClusterStat('upstream_rq_retry');

    for (const [method, path, body] of [
      ['GET', '/v1/users/7', undefined],
      ['POST', '/v1/users', JSON.stringify({ handle: 'ada', displayName: 'Ada' })],
    ] as const) {
      const response = await fetch(`${gateway}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body,
      });
      const text = await response.text();
      expect(response.status, method).toBe(503);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(JSON.parse(text)).toEqual({
        code: 14,
        reason: 'UPSTREAM_UNAVAILABLE',
        message: 'the user service is unavailable; retry shortly',
      });
      expect(text).not.toMatch(/connect|refused|reset|transport/i);
    }
    // Three retries each before giving up.
    expect((await userClusterStat('upstream_rq_retry')) - retriesBefore).toBe(6);
  });

  it('gateway - a POST sent while the service restarts is retried and delivered once', async () => {
    const before = await userClusterStat('upstream_cx_connect_fail');
    const pending = createUser('patient');

    // Back once Envoy has found the port closed: its next retry (within ~0.7 s) connects.
    while ((await userClusterStat('upstream_cx_connect_fail')) === before)
      await new Promise((r) => setTimeout(r, 5));
    stub = await startUserStub();

    const created = await pending;
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ id: '1', handle: 'patient' });
    expect(stub.calls).toEqual(['CreateUser patient']);
  });
});

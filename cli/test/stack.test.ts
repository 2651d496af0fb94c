import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES, startStack, type Stack, type StackEvent } from '../src/index.js';
import { healthProbe } from '../src/stack/health-probe.js';
import { descendantsOf, isAlive } from './process-tree.js';

const SERVICES = SERVICE_NAMES;

async function healthOf(port: number): Promise<string> {
  const probe = healthProbe(port);
  try {
    return await probe.check(2_000);
  } finally {
    probe.close();
  }
}

async function postJson(url: string, body: object): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

describe('local stack launcher', () => {
  const events: StackEvent[] = [];
  let stack: Stack;
  /** Children of the test process from before the stack (a tool's helper, say). */
  let earlier: number[];

  beforeAll(async () => {
    earlier = descendantsOf(process.pid);
    stack = await startStack({ onEvent: (event) => events.push(event) });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('stack - starts every service in catalog order and reports each one SERVING', async () => {
    expect(stack.services).toEqual(SERVICES);
    expect(stack.persistent).toBe(false);

    const healthy = events.flatMap((e) => (e.kind === 'service-healthy' ? [e.name] : []));
    expect(healthy).toEqual(SERVICES);
    for (const name of SERVICES) {
      expect(await healthOf(stack.ports.services[name].grpc), name).toBe('SERVING');
      expect(existsSync(`${stack.logDir}/${name}.log`), `${name}.log`).toBe(true);
    }

    const kinds = events.map((e) => e.kind);
    expect(kinds.indexOf('server-started')).toBeLessThan(kinds.indexOf('service-starting'));
    expect(kinds.at(-1)).toBe('stack-ready');
  });

  it('stack - Envoy answers GET /v1/realtime/healthz and POST /v1/users', async () => {
    const healthz = await fetch(`${stack.restUrl}/v1/realtime/healthz`);
    expect(healthz.status).toBe(200);
    expect(await healthz.json()).toMatchObject({ status: 'SERVING' });

    const created = await postJson(`${stack.restUrl}/v1/users`, {
      handle: 'launcher-test',
      displayName: 'Launcher Test',
      role: 'USER_ROLE_VIEWER',
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ handle: 'launcher-test', id: expect.any(String) });
  });

  it('stack - restarts a service gracefully and it is SERVING again on its port', async () => {
    const before = stack.pidOf('user');
    expect(before).toBeDefined();

    await stack.restartService('user');

    const after = stack.pidOf('user');
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect(isAlive(before ?? -1)).toBe(false);
    expect(await healthOf(stack.ports.services.user.grpc)).toBe('SERVING');
    const stopped = events.find((e) => e.kind === 'service-stopped' && e.name === 'user');
    expect(stopped).toMatchObject({ code: 0, signal: null });

    // The data of the first process is still there for the second.
    const duplicate = await postJson(`${stack.restUrl}/v1/users`, { handle: 'launcher-test' });
    expect(duplicate.status).toBe(409);
  });

  it('stack - a stopped service can be started again, and no crash is reported', async () => {
    await stack.stopService('room');
    expect(stack.pidOf('room')).toBeUndefined();
    await expect(healthOf(stack.ports.services.room.grpc)).rejects.toThrow();

    await stack.startServiceAgain('room');
    expect(await healthOf(stack.ports.services.room.grpc)).toBe('SERVING');
    expect(events.some((e) => e.kind === 'service-crashed')).toBe(false);
  });

  it('stack - stop brings everything down in reverse order, leaving no process', async () => {
    const children = descendantsOf(process.pid).filter((pid) => !earlier.includes(pid));
    const servicePids = SERVICES.map((name) => stack.pidOf(name));
    expect(children).toEqual(expect.arrayContaining(servicePids));
    // Four servers (PostgreSQL also forks its own workers) and the services, at the least.
    expect(children.length).toBeGreaterThanOrEqual(SERVICES.length + 4);

    const stoppedFrom = events.length;
    await stack.stop();

    expect(children.filter(isAlive)).toEqual([]);
    expect(existsSync(stack.dataDir)).toBe(false);
    const order = events
      .slice(stoppedFrom)
      .flatMap((e) =>
        e.kind === 'service-stopped' || e.kind === 'server-stopped' ? [e.name] : [],
      );
    expect(order).toEqual(['envoy', ...[...SERVICES].reverse(), 'redis', 'nats', 'postgres']);
  });
});

/**
 * WebSockets through a real Envoy running the generated config, to an echo server of the
 * test's own standing in for Realtime's socket port. Timeouts are set to 3 s so the test can
 * outlast them.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { renderGatewayYaml } from '@roomcast/envoy';
import { freePort, startEnvoy, type EnvoyServer } from '@roomcast/harness';

const TIMEOUT_MS = 3_000;
const KEEPALIVE_TEST_MS = 8_000;

let echo: WebSocketServer;
let envoy: EnvoyServer;
let gateway: string;

beforeAll(async () => {
  echo = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(echo, 'listening');
  echo.on('connection', (socket) => socket.on('message', (data) => socket.send(data)));

  const port = await freePort();
  gateway = `ws://127.0.0.1:${port}`;
  envoy = await startEnvoy({
    configYaml: renderGatewayYaml({
      listener: { port },
      upstreams: {
        realtimeWebsocket: { host: '127.0.0.1', port: (echo.address() as AddressInfo).port },
      },
      routeTimeoutMs: TIMEOUT_MS,
      streamIdleTimeoutMs: TIMEOUT_MS,
      websocketIdleTimeoutMs: TIMEOUT_MS,
    }),
  });
});

afterAll(async () => {
  await envoy?.stop();
  for (const client of echo?.clients ?? []) client.terminate();
  echo?.close();
});

async function openSocket(): Promise<{ socket: WebSocket; closed: Promise<number> }> {
  const socket = new WebSocket(`${gateway}/ws/sessions/42`);
  const closed = once(socket, 'close').then(() => Date.now());
  await once(socket, 'open');
  return { socket, closed };
}

async function roundTrip(socket: WebSocket, text: string): Promise<string> {
  const reply = once(socket, 'message');
  socket.send(text);
  const [data] = await reply;
  return String(data);
}

describe('WebSocket through Envoy', () => {
  it('gateway - upgrades /ws/sessions/* and carries frames both ways', async () => {
    const { socket } = await openSocket();

    expect(await roundTrip(socket, 'hello 👋')).toBe('hello 👋');
    socket.close();
  });

  it('gateway - keeps a socket with pings open past the route and idle timeouts', async () => {
    const { socket, closed } = await openSocket();
    let closedEarly = false;
    void closed.then(() => (closedEarly = true));

    const pinger = setInterval(() => socket.ping(), 1_000);
    await new Promise((resolve) => setTimeout(resolve, KEEPALIVE_TEST_MS));
    clearInterval(pinger);

    expect(closedEarly).toBe(false);
    expect(await roundTrip(socket, 'still here')).toBe('still here');
    socket.close();
  });

  it('gateway - closes a socket that stays silent for the idle timeout', async () => {
    const opened = Date.now();
    const { closed } = await openSocket();

    const closedAt = await closed;
    expect(closedAt - opened).toBeGreaterThanOrEqual(TIMEOUT_MS - 200);
    expect(closedAt - opened).toBeLessThan(TIMEOUT_MS + 3_000);
  });
});

import { startStack, type Stack } from '@roomcast/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestClient, SessionSocket } from '../src/index.js';

/**
 * A viewer socket through Envoy, with the gateway's real settings, stays open while only
 * keepalives flow: longer than Envoy's 15 s route timeout and the gateway's 60 s WebSocket idle
 * timeout, because Realtime pings every 15 s and the browser answers.
 */

const QUIET_MS = 65_000;

let stack: Stack;
let api: RestClient;

beforeAll(async () => {
  stack = await startStack({ logLevel: 'warn' });
  api = new RestClient(stack.restUrl);
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

describe('WebSocket keepalive through Envoy', () => {
  it(
    'keepalive - a quiet socket outlives the gateway timeouts and still gets live events',
    async () => {
      await api.ok('POST', '/v1/users', { handle: 'quiet_host' });
      const room = await api.ok<{ id: string }>('POST', '/v1/rooms', {
        slug: 'quiet',
        title: 'Quiet',
        owner: 'quiet_host',
      });
      const session = await api.ok<{ id: string }>('POST', '/v1/sessions', { roomId: room.id });
      const socket = await SessionSocket.open(
        `${stack.sessionSocketUrl(session.id)}?after_sequence=0`,
      );

      await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
      expect(socket.closeCode).toBeUndefined();

      await api.ok('POST', `/v1/sessions/${session.id}/messages`, {
        userId: '1',
        text: 'still there?',
      });
      await socket.waitFor('the message after the quiet spell', (events) =>
        events.some((event) => event.chat?.text === 'still there?'),
      );
      await socket.close();
    },
    QUIET_MS + 60_000,
  );
});

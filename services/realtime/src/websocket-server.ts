import http, { STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { asError } from '@roomcast/kit';
import { Keepalive } from './keepalive.js';
import type { RealtimeContext } from './realtime-context.js';
import { isViewerPath } from './stream-request.js';
import { serveViewer } from './viewer-socket.js';

export interface WebSocketServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  pingIntervalMs: number;
  maxBufferedBytes: number;
  context: RealtimeContext;
}

export interface RunningWebSocketServer {
  port: number;
  /** Stops listening and cuts whatever sockets are left (drain should have closed them). */
  close(): Promise<void>;
}

/** Clients send nothing but control frames; anything large is a misbehaving client. */
const MAX_CLIENT_MESSAGE_BYTES = 4096;

/**
 * The HTTP server on WS_PORT. It upgrades GET /ws/sessions/{id} and answers everything else
 * with a JSON error. While draining it refuses upgrades with 503 so the client tries again and
 * lands on another instance.
 */
export async function startWebSocketServer(
  options: WebSocketServerOptions,
): Promise<RunningWebSocketServer> {
  const { context } = options;
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  const keepalive = new Keepalive(options.pingIntervalMs, context.log);

  const server = http.createServer((request, response) => {
    const upgradeOnly = isViewerPath(pathOf(request.url));
    const status = upgradeOnly ? 426 : 404;
    const message = upgradeOnly
      ? 'this path only serves WebSocket upgrades'
      : `no such path: ${pathOf(request.url)}`;
    const body = errorBody(upgradeOnly ? 'UPGRADE_REQUIRED' : 'NOT_FOUND', message);
    response.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });

  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://realtime.invalid');
    if (!isViewerPath(url.pathname)) {
      refuseUpgrade(socket, 404, errorBody('NOT_FOUND', `no such path: ${url.pathname}`));
      return;
    }
    if (context.draining) {
      const message = 'this Realtime instance is draining; reconnect';
      refuseUpgrade(socket, 503, errorBody('REALTIME_DRAINING', message));
      return;
    }

    sockets.handleUpgrade(request, socket, head, (ws) => {
      ws.on('error', (error) => context.log.info({ err: error }, 'socket error'));
      keepalive.watch(ws);
      serveViewer(ws, url, { context, maxBufferedBytes: options.maxBufferedBytes }).catch(
        (caught: unknown) => {
          context.log.error({ err: asError(caught) }, 'serving a socket failed');
          ws.terminate();
        },
      );
    });
  });

  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      keepalive.stop();
      for (const ws of sockets.clients) ws.terminate();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function pathOf(url: string | undefined): string {
  return new URL(url ?? '/', 'http://realtime.invalid').pathname;
}

function errorBody(code: string, message: string): string {
  return JSON.stringify({ code, message });
}

/** Answers an upgrade request with a plain HTTP error instead of a socket. */
function refuseUpgrade(socket: Duplex, status: number, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

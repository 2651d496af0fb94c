/**
 * Free TCP ports on loopback, for servers that take a port number rather than port 0.
 */
import { createServer } from 'node:net';

/**
 * Ports this process has handed out. The kernel may offer the same free port twice when
 * several servers start in parallel and none has bound its port yet; remembering them keeps
 * two servers of one test run from being given the same port.
 */
const handedOut = new Set<number>();
const MAX_ATTEMPTS = 20;

/**
 * A TCP port on 127.0.0.1 that was free a moment ago and that this process has not handed out
 * before. Another process can still take it before the server binds it; that shows up as the
 * server failing to start, with "address in use" in its log.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const port = await askKernelForPort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }

  throw new Error(`finding a free loopback port: no new port after ${MAX_ATTEMPTS} attempts`);
}

function askKernelForPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error) =>
      reject(
        new Error('finding a free loopback port: listen on 127.0.0.1:0 failed', { cause: error }),
      ),
    );

    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

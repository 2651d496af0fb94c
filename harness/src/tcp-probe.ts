/**
 * Readiness probes that speak just enough of a server's wire protocol to know it is serving:
 * NATS greets with an `INFO {...}` line, Redis answers `PING` with `+PONG`.
 */
import { connect } from 'node:net';

/** Options of `readFirstLine`. */
export interface FirstLineOptions {
  port: number;
  /** Sent once connected, e.g. `PING\r\n`. Default: nothing. */
  send?: string;
  /** Give up on this attempt after this long. Default: 1 000 ms. */
  timeoutMs?: number;
}

/** Connects to 127.0.0.1:`port` and resolves the first line the server sends, without CRLF. */
export function readFirstLine(options: FirstLineOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: options.port });
    let received = '';

    const finish = (outcome: () => void): void => {
      socket.destroy();
      outcome();
    };

    socket.setTimeout(options.timeoutMs ?? 1_000, () =>
      finish(() => reject(new Error(`no line from 127.0.0.1:${options.port} in time`))),
    );
    socket.once('error', (error) => finish(() => reject(error)));
    socket.once('connect', () => {
      if (options.send) socket.write(options.send);
    });

    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      const end = received.indexOf('\r\n');
      if (end >= 0) finish(() => resolve(received.slice(0, end)));
    });
    socket.once('end', () =>
      finish(() => reject(new Error(`127.0.0.1:${options.port} closed before a full line`))),
    );
  });
}

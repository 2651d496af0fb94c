import { connect, type NatsConnection } from 'nats';

import { asError, type Logger } from '@roomcast/kit';

/**
 * A NATS connection opened in the background: the operator starts (and reports streams not
 * ready) while NATS is still down, and connects as soon as it answers. After that the client
 * reconnects on its own, forever.
 */
export class NatsLink {
  private connection: NatsConnection | undefined;
  private readonly connecting: Promise<NatsConnection | undefined>;
  private closed = false;

  constructor(url: string, name: string, log: Logger) {
    this.connecting = connect({
      servers: url,
      name,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    }).then(
      (nc) => {
        if (this.closed) {
          void nc.close();
          return undefined;
        }
        this.connection = nc;
        void this.logStatus(nc, log);
        return nc;
      },
      (caught: unknown) => {
        log.error({ err: asError(caught), url }, 'could not connect to NATS');
        return undefined;
      },
    );
  }

  /** The connection, once it is open and not reconnecting. */
  get current(): NatsConnection | undefined {
    const nc = this.connection;
    return nc && !nc.isClosed() ? nc : undefined;
  }

  /** Resolves with the connection once the first connect succeeded. */
  opened(): Promise<NatsConnection | undefined> {
    return this.connecting;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connection?.close();
  }

  private async logStatus(nc: NatsConnection, log: Logger): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === 'pingTimer') continue;
      log.info({ nats: status.type }, 'nats connection changed');
    }
  }
}

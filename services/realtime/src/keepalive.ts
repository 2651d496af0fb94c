import type { WebSocket } from 'ws';
import type { Logger } from '@roomcast/kit';

/** Pongs a socket may miss in a row before it counts as dead. */
export const MISSED_PONGS_ALLOWED = 2;

/**
 * Pings every watched socket each interval, from one timer for all of them. A socket that let
 * two pings go unanswered is terminated, so a vanished client (no FIN, no close frame) is gone
 * within three intervals and its LEAVE is signalled. Pings also keep Envoy's idle timers fed.
 */
export class Keepalive {
  private readonly missed = new Map<WebSocket, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    intervalMs: number,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => this.sweep(), intervalMs);
    this.timer.unref();
  }

  watch(socket: WebSocket): void {
    this.missed.set(socket, 0);
    socket.on('pong', () => this.missed.set(socket, 0));
    socket.once('close', () => this.missed.delete(socket));
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sweep(): void {
    for (const [socket, missed] of this.missed) {
      if (missed >= MISSED_PONGS_ALLOWED) {
        this.log.info({ missedPongs: missed }, 'terminating a socket that stopped answering pings');
        this.missed.delete(socket);
        socket.terminate();
        continue;
      }
      this.missed.set(socket, missed + 1);
      socket.ping();
    }
  }
}

import WebSocket from 'ws';
import { eventOfFrame, type StoredEvent } from './session-socket.js';

/** Close codes after which a client should reconnect and resume (service restart, going away). */
const RESUMABLE = new Set([1001, 1012]);

/**
 * A client that behaves as Roomcast asks clients to: when the server closes with a resumable
 * code, it reconnects with after_sequence set to the last sequence it saw, retrying until the
 * service is back. It records every event and every close code it was given.
 */
export class ResumingSocket {
  readonly events: StoredEvent[] = [];
  readonly closeCodes: number[] = [];
  private socket: WebSocket | undefined;
  private closed = false;

  constructor(private readonly urlAfter: (afterSequence: number) => string) {}

  async open(): Promise<void> {
    await this.connect();
  }

  get lastSequence(): number {
    const last = this.events.at(-1);
    return last ? Number(last.sequence) : 0;
  }

  close(): void {
    this.closed = true;
    this.socket?.close(1000, 'done');
  }

  private async connect(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt += 1) {
      try {
        this.socket = await this.dial();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 1_000)));
      }
    }
  }

  private dial(): Promise<WebSocket> {
    const socket = new WebSocket(this.urlAfter(this.lastSequence));
    socket.on('message', (data) => {
      const event = eventOfFrame(data);
      if (event) this.events.push(event);
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => {
        socket.on('close', (code) => this.onClose(code));
        resolve(socket);
      });
      socket.once('error', reject);
      socket.once('unexpected-response', () => reject(new Error('upgrade refused')));
    });
  }

  private onClose(code: number): void {
    this.closeCodes.push(code);
    if (!this.closed && RESUMABLE.has(code)) void this.connect();
  }
}

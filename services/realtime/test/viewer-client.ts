/** A WebSocket viewer for tests: records every frame and how the socket closed. */
import { WebSocket } from 'ws';
import type { Event } from '@roomcast/proto';

export interface ReadyFrame {
  type: 'ready';
  sessionId: string;
  userId: string;
  connectionId: string;
  afterSequence: string;
}

export interface Closed {
  code: number;
  reason: string;
}

export class ViewerClient {
  readonly events: Event[] = [];
  readonly frames: unknown[] = [];
  readonly closed: Promise<Closed>;
  /** The HTTP status when the upgrade was refused. */
  readonly refused: Promise<number>;
  readonly socket: WebSocket;

  constructor(url: string, options: { autoPong?: boolean } = {}) {
    this.socket = new WebSocket(url, { autoPong: options.autoPong ?? true });
    this.socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { type: string; event?: Event };
      this.frames.push(frame);
      if (frame.type === 'event') this.events.push(frame.event!);
    });
    this.closed = new Promise((resolve) => {
      this.socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    this.refused = new Promise((resolve) => {
      this.socket.on('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        this.socket.terminate();
      });
    });
    this.socket.on('error', () => undefined);
  }

  /** Sequences of the event frames received, in order. */
  get sequences(): string[] {
    return this.events.map((event) => event.sequence);
  }

  get ready(): ReadyFrame | undefined {
    return this.frames[0] as ReadyFrame | undefined;
  }

  close(): void {
    this.socket.close(1000, 'bye');
  }
}

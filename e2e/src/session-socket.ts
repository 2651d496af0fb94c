import WebSocket from 'ws';

/** The fields of a stored event that the end-to-end suites look at (proto3 JSON). */
export interface StoredEvent {
  eventId: string;
  sessionId: string;
  sequence: string;
  type: string;
  source: string;
  chat?: { userId: string; text: string };
  presence?: { userId: string; action: string; viewerCount: string };
  streamStatus?: { state: string };
}

/** A browser-like WebSocket client of one session that records every event it receives. */
export class SessionSocket {
  readonly events: StoredEvent[] = [];
  /** When each event arrived (performance.now()), index for index with events. */
  readonly arrivals: number[] = [];
  closeCode: number | undefined;
  private readonly socket: WebSocket;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      const event = eventOfFrame(data);
      if (!event) return;
      this.events.push(event);
      this.arrivals.push(performance.now());
    });
    socket.on('close', (code) => {
      this.closeCode = code;
    });
  }

  /** Opens a socket and resolves once the upgrade succeeded. */
  static open(url: string): Promise<SessionSocket> {
    const socket = new WebSocket(url);
    const client = new SessionSocket(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`upgrade refused with HTTP ${response.statusCode}`)),
      );
    });
  }

  get lastSequence(): number {
    const last = this.events.at(-1);
    return last ? Number(last.sequence) : 0;
  }

  chatTexts(): string[] {
    return this.events.flatMap((event) => (event.chat ? [event.chat.text] : []));
  }

  /** Waits until the predicate holds over the received events, or fails naming what is missing. */
  async waitFor(
    what: string,
    predicate: (events: StoredEvent[]) => boolean,
    timeoutMs = 30_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; have ${this.events.length} events`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close(1000, 'done');
    });
  }
}

/** Sequences of the events, checked to be 1..n with no gap or repeat from `first`. */
export function assertContiguous(events: StoredEvent[], first: number): void {
  events.forEach((event, index) => {
    const expected = first + index;
    if (Number(event.sequence) !== expected) {
      throw new Error(`event ${index} has sequence ${event.sequence}, expected ${expected}`);
    }
  });
}

/** The event an `event` frame carries; undefined for any other frame (such as `ready`). */
export function eventOfFrame(data: WebSocket.RawData): StoredEvent | undefined {
  const frame = JSON.parse(String(data)) as { type: string; event?: StoredEvent };
  return frame.type === 'event' ? frame.event : undefined;
}

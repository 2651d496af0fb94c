import { decodeEvent, RAW_SUBJECTS, type NatsConnection } from '@roomcast/kit';
import type { Event } from '@roomcast/proto';
import { connect, type Subscription } from 'nats';
import { vi } from 'vitest';

/** One message seen on events.raw.>: its subject, the JSON as sent, and the decoded event. */
export interface TappedEvent {
  subject: string;
  json: Record<string, unknown>;
  event: Event;
}

/** Listens to every raw event on a plain NATS subscription, as any consumer could. */
export class EventTap {
  readonly seen: TappedEvent[] = [];

  private constructor(
    private readonly nc: NatsConnection,
    private readonly subscription: Subscription,
  ) {
    void this.collect();
  }

  static async open(natsUrl: string): Promise<EventTap> {
    const nc = await connect({ servers: natsUrl, name: 'session-test-tap' });
    const tap = new EventTap(nc, nc.subscribe(RAW_SUBJECTS));
    await nc.flush();
    return tap;
  }

  /** Events of one session, in the order they arrived. */
  ofSession(sessionId: string): TappedEvent[] {
    return this.seen.filter((tapped) => tapped.event.sessionId === sessionId);
  }

  /** Waits until an event matching `match` arrived, and returns it. */
  async waitFor(match: (tapped: TappedEvent) => boolean, timeoutMs = 5_000) {
    return vi.waitFor(
      () => {
        const found = this.seen.find(match);
        if (!found) throw new Error('no matching event on events.raw.> yet');
        return found;
      },
      { timeout: timeoutMs, interval: 20 },
    );
  }

  /** Round-trips to the server so everything published before now has reached the tap. */
  async settle(): Promise<void> {
    await this.nc.flush();
  }

  async close(): Promise<void> {
    this.subscription.unsubscribe();
    await this.nc.close();
  }

  private async collect(): Promise<void> {
    for await (const message of this.subscription) {
      const text = new TextDecoder().decode(message.data);
      this.seen.push({
        subject: message.subject,
        json: JSON.parse(text) as Record<string, unknown>,
        event: decodeEvent(message.data),
      });
    }
  }
}

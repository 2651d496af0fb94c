/**
 * Plays the Event service's part on the real NATS server: stores an event (in the fake Event
 * service's lists) and then publishes it on events.stored.<type>, in that order, as the real
 * one does.
 */
import { encodeEvent, storedSubject, type NatsConnection } from '@roomcast/kit';
import { Event, EventType } from '@roomcast/proto';
import type { FakeEventService } from './fake-services.js';

export class StoredFeed {
  constructor(
    private readonly nats: NatsConnection,
    private readonly events: FakeEventService,
  ) {}

  /** The next events of a session, stored but not published yet. */
  store(sessionId: string, count: number, options: { textBytes?: number } = {}): Event[] {
    const list = this.events.stored.get(sessionId) ?? [];
    this.events.stored.set(sessionId, list);

    const made: Event[] = [];
    for (let i = 0; i < count; i += 1) {
      const sequence = String(list.length + 1);
      const text = `message ${sequence} ` + 'x'.repeat(options.textBytes ?? 0);
      const event = Event.fromPartial({
        eventId: `event-${sessionId}-${sequence}`,
        sessionId,
        roomId: '1',
        sequence,
        type: EventType.EVENT_TYPE_CHAT_MESSAGE,
        occurTime: new Date(),
        storeTime: new Date(),
        source: 'session',
        chat: { userId: '7', text },
      });
      list.push(event);
      made.push(event);
    }
    return made;
  }

  publish(events: Event[]): void {
    for (const event of events) this.nats.publish(storedSubject(event.type), encodeEvent(event));
  }

  /** Stores and publishes, like the Event service after each commit. */
  storeAndPublish(sessionId: string, count: number, options: { textBytes?: number } = {}) {
    const events = this.store(sessionId, count, options);
    this.publish(events);
    return events;
  }

  async flush(): Promise<void> {
    await this.nats.flush();
  }
}

/** 1..n as strings, the sequences a client should see. */
export function sequences(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
}

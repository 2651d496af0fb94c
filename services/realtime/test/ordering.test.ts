/** Unit tests of the ordering logic: window, hub and subscription over an in-memory history. */
import { describe, expect, it } from 'vitest';
import { createLogger } from '@roomcast/kit';
import { Event, EventType } from '@roomcast/proto';
import type { EventHistory } from '../src/event-history.js';
import { HubRegistry } from '../src/hub-registry.js';
import { RecentWindow } from '../src/recent-window.js';
import { toEntry, type StoredEntry } from '../src/stored-entry.js';
import { Subscription, type SubscriptionEnd } from '../src/subscription.js';
import { sequences } from './stored-feed.js';

const log = createLogger('ordering-test');

function event(sequence: number, sessionId = '1'): Event {
  return Event.fromPartial({
    eventId: `e${sequence}`,
    sessionId,
    sequence: String(sequence),
    type: EventType.EVENT_TYPE_CHAT_MESSAGE,
    chat: { userId: '1', text: `m${sequence}` },
  });
}

/** A history holding events 1..stored, pages of 10, answering after a delay (or failing). */
class MemoryHistory implements EventHistory {
  stored = 0;
  delayMs = 0;
  failing = false;
  calls = 0;

  async page(_sessionId: string, after: bigint): Promise<Event[]> {
    this.calls += 1;
    // Like a database read, the page shows what was stored when the read began.
    const stored = this.stored;
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failing) throw new Error('event service down');
    const events: Event[] = [];
    for (let s = Number(after) + 1; s <= stored && events.length < 10; s += 1) {
      events.push(event(s));
    }
    return events;
  }

  close(): void {}
}

function setup(options: { windowEvents?: number } = {}) {
  const history = new MemoryHistory();
  const hubs = new HubRegistry({
    history,
    log,
    window: { maxEvents: options.windowEvents ?? 100, maxBytes: 1 << 20 },
    lingerMs: 1_000,
    gapGraceMs: 0,
  });
  /** The Event service storing and publishing the next events. */
  const publish = (from: number, to: number) => {
    history.stored = Math.max(history.stored, to);
    for (let s = from; s <= to; s += 1) hubs.receive(event(s));
  };
  return { history, hubs, publish };
}

function subscriber(
  context: ReturnType<typeof setup>,
  options: { after?: number; accept?: (entry: StoredEntry) => boolean } = {},
) {
  const seen: string[] = [];
  const ends: SubscriptionEnd[] = [];
  const subscription = new Subscription({
    sessionId: '1',
    afterSequence: BigInt(options.after ?? 0),
    hubs: context.hubs,
    sink: {
      send: (entry) => {
        seen.push(entry.event.sequence);
        return options.accept?.(entry) ?? true;
      },
    },
    onEnd: (end) => ends.push(end),
    maxHeld: 100,
    retryDelayMs: 5,
    maxLaggingRounds: 3,
  });
  subscription.start();
  return { seen, ends, subscription };
}

describe('recent window', () => {
  it('window - keeps the newest events within the event and byte bounds', () => {
    const window = new RecentWindow({ maxEvents: 5, maxBytes: 1 << 20 });
    for (let s = 1; s <= 12; s += 1) window.append(toEntry(event(s)));

    expect([window.first, window.last, window.size]).toEqual([8n, 12n, 5]);
    expect(window.after(9n)?.map((e) => e.event.sequence)).toEqual(['10', '11', '12']);
    expect(window.after(7n)?.length).toBe(5);
    expect(window.after(6n)).toBeUndefined();
    expect(window.after(12n)).toEqual([]);

    // Sequences of one digit count encode to the same size.
    const small = new RecentWindow({ maxEvents: 100, maxBytes: 3 * toEntry(event(10)).bytes });
    for (let s = 10; s <= 19; s += 1) small.append(toEntry(event(s)));
    expect(small.size).toBe(3);
  });

  it('window - refuses an event that does not follow the last one', () => {
    const window = new RecentWindow({ maxEvents: 5, maxBytes: 1 << 20 });
    window.append(toEntry(event(1)));
    expect(() => window.append(toEntry(event(3)))).toThrow(/out of order/);
  });
});

describe('hub and subscription', () => {
  it('subscription - delivers held live events once after a slow history catch-up', async () => {
    const context = setup();
    context.history.stored = 25;
    context.history.delayMs = 20;
    const { seen } = subscriber(context);

    context.publish(26, 30);
    await new Promise((resolve) => setTimeout(resolve, 30));
    context.publish(31, 35);

    await expect.poll(() => seen.length).toBe(35);
    expect(seen).toEqual(sequences(1, 35));
  });

  it('hub - fills a live gap from history before emitting what follows it', async () => {
    const context = setup();
    const { seen } = subscriber(context);
    context.publish(1, 3);
    context.history.stored = 6;
    context.hubs.receive(event(7));
    context.history.stored = 7;

    await expect.poll(() => seen).toEqual(sequences(1, 7));
    context.hubs.receive(event(5));
    context.publish(8, 8);
    await expect.poll(() => seen).toEqual(sequences(1, 8));
  });

  it('hub - restarts the window when history cannot fill a gap, and subscribers catch up later', async () => {
    const context = setup();
    const { seen, ends } = subscriber(context);
    context.publish(1, 2);
    await expect.poll(() => seen).toEqual(['1', '2']);
    context.history.failing = true;
    context.history.stored = 4;
    context.hubs.receive(event(5));

    await expect
      .poll(() => ends)
      .toEqual([{ reason: 'history-unavailable', error: new Error('event service down') }]);
    expect(seen).toEqual(['1', '2']);
  });

  it('subscription - ends as a slow consumer when the sink pushes back', async () => {
    const context = setup();
    context.history.stored = 20;
    const { seen, ends } = subscriber(context, { accept: (entry) => entry.sequence < 5n });

    await expect.poll(() => ends).toEqual([{ reason: 'slow-consumer' }]);
    expect(seen).toEqual(sequences(1, 5));
    context.publish(21, 22);
    expect(seen).toEqual(sequences(1, 5));
  });

  it('subscription - resumes from the window without a history call when the window reaches back', async () => {
    const context = setup({ windowEvents: 10 });
    subscriber(context);
    context.publish(1, 30);
    const calls = context.history.calls;

    const { seen } = subscriber(context, { after: 24 });
    expect(seen).toEqual(sequences(25, 30));
    expect(context.history.calls).toBe(calls);

    const { seen: older } = subscriber(context, { after: 5 });
    await expect.poll(() => older).toEqual(sequences(6, 30));
  });

  it('subscription - shares one history read among subscribers resuming at once', async () => {
    const context = setup({ windowEvents: 10 });
    context.history.stored = 45;
    context.history.delayMs = 10;
    const subscribers = Array.from({ length: 50 }, () => subscriber(context));

    for (const { seen } of subscribers) await expect.poll(() => seen).toEqual(sequences(1, 45));
    // Pages after 0, 10, 20, 30, 40 and the empty one after 45.
    expect(context.history.calls).toBe(6);
  });

  it('subscription - joining during a shared read still gets what went by live meanwhile', async () => {
    const context = setup({ windowEvents: 2 });
    context.history.stored = 5;
    context.history.delayMs = 40;
    const first = subscriber(context);
    await expect.poll(() => first.seen).toEqual(sequences(1, 5));

    // The first subscriber's read after 5 began before 6..8 were stored. They go by live and
    // out of the small window before the second joins and shares that read.
    await new Promise((resolve) => setTimeout(resolve, 10));
    context.publish(6, 8);
    const second = subscriber(context);

    await expect.poll(() => second.seen).toEqual(sequences(1, 8));
    await expect.poll(() => first.seen).toEqual(sequences(1, 8));
  });
});

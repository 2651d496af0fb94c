import type { OperatorEvent, OperatorEvents } from '../../src/operator-events.js';

/** Polls `probe` until it returns something truthy; fails naming `what` after timeoutMs. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 15_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (caught) {
      lastError = caught;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves with the first operator event matching `predicate`, emitted from now on. */
export function nextEvent<E extends OperatorEvent>(
  events: OperatorEvents,
  predicate: (event: OperatorEvent) => event is E,
  timeoutMs?: number,
): Promise<E>;
export function nextEvent(
  events: OperatorEvents,
  predicate: (event: OperatorEvent) => boolean,
  timeoutMs?: number,
): Promise<OperatorEvent>;
export function nextEvent(
  events: OperatorEvents,
  predicate: (event: OperatorEvent) => boolean,
  timeoutMs = 15_000,
): Promise<OperatorEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching operator event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = events.on((event) => {
      if (!predicate(event)) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}

/** Records every operator event, for assertions after the fact. */
export function recordEvents(events: OperatorEvents): OperatorEvent[] {
  const seen: OperatorEvent[] = [];
  events.on((event) => seen.push(event));
  return seen;
}

import { invalidArgument, RoomcastError } from '@roomcast/kit';
import type { EventHistory } from './event-history.js';
import type { HubRegistry } from './hub-registry.js';
import type { StreamRequest } from './stream-request.js';

export interface ResumeCheckOptions {
  request: StreamRequest;
  hubs: HubRegistry;
  history: EventHistory;
}

/**
 * Refuses a resume from beyond the session's last stored event. Such a client is confused
 * (it mixed up sessions, or kept a sequence across a reset), and taking it at its word would
 * silently skip the events up to its sequence once they exist. Costs nothing when the recent
 * window already holds the sequence, else one small history read; naming the last sequence in
 * the refusal takes a few more (a binary search), which only a confused client pays.
 *
 * Throws INVALID_AFTER_SEQUENCE, or EVENT_HISTORY_UNAVAILABLE when history cannot be read.
 */
export async function requireStoredThrough(options: ResumeCheckOptions): Promise<void> {
  const { sessionId, afterSequence } = options.request;
  if (afterSequence === 0n) return;
  const seen = options.hubs.windowLast(sessionId) ?? 0n;
  if (afterSequence <= seen) return;

  const stored = (after: bigint) => storedAfter(options.history, sessionId, after);
  if (await stored(afterSequence - 1n)) return;

  const last = await lastStored({ stored, atLeast: seen, below: afterSequence });
  throw invalidArgument(
    'INVALID_AFTER_SEQUENCE',
    // Kept under a close reason's 123 bytes even with 19-digit numbers.
    `after_sequence ${afterSequence} is past the last event (sequence ${last}) of session ${sessionId}`,
    'after_sequence',
  );
}

/** True when some event after `after` is stored. */
async function storedAfter(history: EventHistory, sessionId: string, after: bigint) {
  try {
    return (await history.page(sessionId, after, { limit: 1 })).length > 0;
  } catch (caught) {
    throw new RoomcastError(
      'unavailable',
      'EVENT_HISTORY_UNAVAILABLE',
      `could not read the event history of session ${sessionId}; try again later`,
      { cause: caught },
    );
  }
}

/**
 * The last stored sequence, known to be at least `atLeast` and below `below`. Sequences are
 * gapless from 1, so "something is stored after k" holds exactly for k below the last one.
 */
async function lastStored(options: {
  stored: (after: bigint) => Promise<boolean>;
  atLeast: bigint;
  below: bigint;
}): Promise<bigint> {
  let low = options.atLeast;
  let high = options.below - 1n;
  while (low < high) {
    const middle = (low + high + 1n) / 2n;
    if (await options.stored(middle - 1n)) low = middle;
    else high = middle - 1n;
  }
  return low;
}

import { setTimeout as delay } from 'node:timers/promises';
import { asError, type Logger } from '@roomcast/kit';
import type { EventHistory } from './event-history.js';

/**
 * Pauses before each retry of a failed history read: three retries over about 4 s. A read that
 * still fails after them ends the subscriptions waiting on it (1013 / UNAVAILABLE).
 */
export const HISTORY_RETRY_DELAYS_MS: readonly number[] = [200, 800, 3_000];

export interface RetryOptions {
  log: Logger;
  /** Pause before each retry, in order; its length is the number of retries. */
  delaysMs?: readonly number[];
}

/**
 * Wraps a history so that a failed read is tried again after a pause. The Event service under
 * a join storm answers late rather than not at all, so one DEADLINE_EXCEEDED must not close a
 * socket. Every read is retried alike: the reads are idempotent.
 */
export function retryingHistory(history: EventHistory, options: RetryOptions): EventHistory {
  const delaysMs = options.delaysMs ?? HISTORY_RETRY_DELAYS_MS;
  return {
    page: async (sessionId, afterSequence, pageOptions) => {
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await history.page(sessionId, afterSequence, pageOptions);
        } catch (caught) {
          const pauseMs = delaysMs[attempt];
          if (pauseMs === undefined) throw caught;

          const after = afterSequence.toString();
          const fields = { err: asError(caught), sessionId, after, attempt: attempt + 1 };
          options.log.warn(fields, 'history read failed; retrying');
          await delay(pauseMs);
        }
      }
    },
    close: () => history.close(),
  };
}

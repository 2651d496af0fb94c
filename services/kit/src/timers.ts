/**
 * Waiting that a shutdown can cut short: background loops pause between rounds with this, so
 * stopping a service does not have to wait out the longest interval.
 */

/**
 * Resolves after `ms` milliseconds, or at once when `signal` aborts (or already has).
 * Never rejects: the caller checks the signal afterwards to tell the two apart.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });

    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** A one-shot signal that can be waited on again after each notify: a tiny condition variable. */
export class Wakeup {
  private pending: Promise<void> | undefined;
  private release: (() => void) | undefined;

  /** Resolves at the next notify(). */
  wait(): Promise<void> {
    this.pending ??= new Promise((resolve) => (this.release = resolve));
    return this.pending;
  }

  notify(): void {
    const release = this.release;
    this.pending = undefined;
    this.release = undefined;
    release?.();
  }
}

/** Resolves after ms, or at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
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

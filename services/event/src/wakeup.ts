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

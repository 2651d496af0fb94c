/**
 * The stack's stop steps, recorded as each part starts and run newest first, so everything
 * comes down in the reverse of its start order: Envoy, then the services from last to first,
 * then the backing servers, then the temp dir.
 */

/** One stop step; `name` says what it stops, for error messages. */
interface Step {
  name: string;
  run: () => Promise<void>;
}

export class Teardown {
  private readonly steps: Step[] = [];

  /** Records how to stop a part that has just started. */
  add(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }

  /**
   * Runs every step newest first, each once; a failing step does not keep the older ones from
   * running.
   * @throws AggregateError naming each step that failed, after all were tried.
   */
  async run(): Promise<void> {
    const failures: Error[] = [];
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.run();
      } catch (error) {
        failures.push(new Error(`stopping ${step.name}`, { cause: error }));
      }
    }

    if (failures.length > 0) {
      const names = failures.map((failure) => failure.message).join('; ');
      throw new AggregateError(failures, `the stack did not stop cleanly: ${names}`);
    }
  }
}

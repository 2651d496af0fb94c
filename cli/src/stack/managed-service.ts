/**
 * One service of the stack across its whole life: started, waited on until its gRPC health
 * check says SERVING, watched for crashes, stopped, and started again with the same
 * environment and ports.
 *
 * The process itself is the harness's: `node --import tsx services/<name>/src/main.ts` with its
 * output appended to the log file, in a process group of its own (Ctrl-C reaches only the
 * launcher, which stops the services in order), with a parent-death signal where `setpriv`
 * exists, and SIGTERM then SIGKILL after a bounded grace period on stop.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  describeExit,
  startProcess,
  tailLog,
  type ProcessExit,
  type ServerProcess,
} from '@roomcast/harness';
import { healthProbe, type ServingStatus } from './health-probe.js';
import type { ServiceName } from './service-catalog.js';
import type { StackEventListener } from './stack-events.js';

const PROBE_INTERVAL_MS = 200;
const LOG_LINES_IN_ERRORS = 15;
/** How long a stopping service may drain before SIGKILL. */
const STOP_TIMEOUT_MS = 15_000;

/** Thrown when a service exits during start-up or is not SERVING in time. */
export class ServiceStartError extends Error {
  readonly code = 'STACK_SERVICE_START_FAILED';

  constructor(
    readonly service: ServiceName,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ServiceStartError';
  }
}

/** How one managed service is run. */
export interface ManagedServiceOptions {
  name: ServiceName;
  /** The service's `main.ts`. */
  entry: string;
  /** Working directory (the repository root, where `tsx` resolves). */
  cwd: string;
  env: Readonly<Record<string, string>>;
  logPath: string;
  /** The gRPC port the health check is sent to. */
  grpcPort: number;
  /** How long a start may take until SERVING. */
  healthTimeoutMs: number;
  /** Abandons a start in progress (the process is stopped again). */
  signal?: AbortSignal;
  emit: StackEventListener;
}

export class ManagedService {
  private child: ServerProcess | undefined;

  constructor(private readonly options: ManagedServiceOptions) {}

  get name(): ServiceName {
    return this.options.name;
  }

  /** The pid of the current process, if one was started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  isRunning(): boolean {
    return this.child?.isRunning() ?? false;
  }

  /**
   * Starts the process and resolves once it is SERVING.
   * @throws ServiceStartError quoting the log's last lines; the process is stopped first.
   */
  async start(): Promise<void> {
    if (this.isRunning()) return;
    this.options.signal?.throwIfAborted();

    const { name, entry, cwd, env, logPath, emit } = this.options;
    const started = Date.now();
    const child = startProcess({
      name,
      command: process.execPath,
      args: ['--import', 'tsx', entry],
      cwd,
      env: { ...process.env, ...env },
      logPath,
      stopTimeoutMs: STOP_TIMEOUT_MS,
    });
    this.child = child;
    emit({ kind: 'service-starting', name, pid: child.pid, logPath });

    try {
      await this.waitUntilServing(child);
    } catch (error) {
      await child.stop();
      throw error;
    }

    this.watchForCrash(child);
    const port = this.options.grpcPort;
    emit({ kind: 'service-healthy', name, port, pid: child.pid, elapsedMs: Date.now() - started });
  }

  /** SIGTERM, wait for the graceful shutdown (SIGKILL after the grace period). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.isRunning()) return;

    this.options.emit({ kind: 'service-stopping', name: this.name });
    const exit = await child.stop();
    this.options.emit({ kind: 'service-stopped', name: this.name, ...exit });
  }

  /** Stops the service gracefully, then starts it again with the same environment. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private async waitUntilServing(child: ServerProcess): Promise<void> {
    const { healthTimeoutMs, grpcPort } = this.options;
    const deadline = Date.now() + healthTimeoutMs;
    const probe = healthProbe(grpcPort);
    let last: ServingStatus | string = 'no answer';

    try {
      while (Date.now() < deadline) {
        this.options.signal?.throwIfAborted();
        if (!child.isRunning()) throw this.exitedEarly(await child.exited);

        try {
          last = await probe.check(1_000);
          if (last === 'SERVING') return;
        } catch (error) {
          last = error instanceof Error ? error.message : String(error);
        }
        await sleep(PROBE_INTERVAL_MS);
      }
    } finally {
      probe.close();
    }

    throw new ServiceStartError(
      this.name,
      `${this.name} was not SERVING on 127.0.0.1:${grpcPort} after ${healthTimeoutMs} ms ` +
        `(last health answer: ${last}); ${this.logExcerpt()}`,
    );
  }

  private exitedEarly(exit: ProcessExit): ServiceStartError {
    return new ServiceStartError(
      this.name,
      `${this.name} exited before it was healthy (${describeExit(exit)}); ${this.logExcerpt()}`,
    );
  }

  private logExcerpt(): string {
    const { logPath } = this.options;
    return `last lines of ${logPath}:\n${tailLog(logPath, LOG_LINES_IN_ERRORS)}`;
  }

  /** An exit nobody asked for, after the service was healthy, is reported as a crash. */
  private watchForCrash(child: ServerProcess): void {
    void child.exited.then((exit) => {
      if (child.stopRequested) return;
      this.options.emit({ kind: 'service-crashed', name: this.name, ...exit });
    });
  }
}

/**
 * Child processes for servers: started with their output in a log file, probed until ready,
 * stopped with a bounded grace period, and never left behind when Node exits.
 *
 * Where util-linux's `setpriv` exists (it does on Debian), each child is started through it
 * with a parent-death signal, so the kernel kills the server even when Node itself is killed
 * with SIGKILL. `setpriv` execs the server in place: the pid we hold is the server's own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const SETPRIV = '/usr/bin/setpriv';
const DEFAULT_STOP_TIMEOUT_MS = 10_000;
const DEFAULT_READY_TIMEOUT_MS = 30_000;
const DEFAULT_POLL_INTERVAL_MS = 100;
const LOG_TAIL_LINES = 20;

/** An OS account to run a child as (the harness runs PostgreSQL as `postgres` under root). */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/** How a child process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** What to run and where its output goes. */
export interface ProcessOptions {
  /** Short name used in error messages, e.g. `postgres`. */
  name: string;
  command: string;
  args: readonly string[];
  /** File that receives stdout and stderr; appended to, never truncated. */
  logPath: string;
  /** Run as this OS account. Default: the current one. */
  runAs?: RunAs;
  /** Environment of the child. Default: this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Working directory of the child. Default: this process's. */
  cwd?: string;
}

/** Options of a long-running server process. */
export interface ServerProcessOptions extends ProcessOptions {
  /** Signal that asks the server to shut down. Default: SIGTERM. */
  stopSignal?: NodeJS.Signals;
  /** How long `stop()` waits after `stopSignal` before SIGKILL. Default: 10 000 ms. */
  stopTimeoutMs?: number;
}

/** A running server started by the harness. */
export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  /** The server's stdout and stderr, kept for debugging. */
  readonly logPath: string;
  /** Settles once the process has exited; never rejects. */
  readonly exited: Promise<ProcessExit>;
  /** True once `stop()` was called: an exit after that is expected, not a crash. */
  readonly stopRequested: boolean;
  isRunning(): boolean;
  /** Sends the stop signal, then SIGKILL after the grace period; resolves once it has exited. */
  stop(): Promise<ProcessExit>;
}

/** Thrown when a process could not be started, exited early, or never became ready. */
export class ProcessStartError extends Error {
  readonly code = 'HARNESS_PROCESS_START_FAILED';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProcessStartError';
  }
}

/** Starts a long-running server process. Its readiness is the caller's to check. */
export function startProcess(options: ServerProcessOptions): ServerProcess {
  const child = spawnLogged(options);
  const exited = exitOf(child);
  const stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
  const isRunning = (): boolean => child.exitCode === null && child.signalCode === null;
  let stopRequested = false;

  const stop = async (): Promise<ProcessExit> => {
    stopRequested = true;
    if (!isRunning()) return exited;

    child.kill(options.stopSignal ?? 'SIGTERM');
    const escalation = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
    const exit = await exited;
    clearTimeout(escalation);
    return exit;
  };

  return {
    name: options.name,
    pid: child.pid ?? -1,
    logPath: options.logPath,
    exited,
    get stopRequested() {
      return stopRequested;
    },
    isRunning,
    stop,
  };
}

/**
 * Runs a command to completion, e.g. initdb.
 * @throws ProcessStartError with the last lines of its log when it exits non-zero.
 */
export async function runToCompletion(options: ProcessOptions): Promise<void> {
  const exit = await exitOf(spawnLogged(options));
  if (exit.code === 0) return;

  throw new ProcessStartError(
    `${options.name} failed (${describeExit(exit)}); ${logExcerpt(options.logPath)}`,
  );
}

/** Options of `waitUntilReady`. */
export interface ReadinessOptions {
  /** Give up after this long. Default: 30 000 ms. */
  timeoutMs?: number;
  /** Pause between probes. Default: 100 ms. */
  intervalMs?: number;
}

/**
 * Probes `server` until `probe` resolves true. A probe that throws counts as "not yet".
 * @throws ProcessStartError, with the log's last lines, when the server exits or time runs out.
 */
export async function waitUntilReady(
  server: ServerProcess,
  probe: () => Promise<boolean>,
  options: ReadinessOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let lastProbeError: unknown;

  while (Date.now() < deadline) {
    if (!server.isRunning()) {
      const exit = await server.exited;
      throw new ProcessStartError(
        `${server.name} exited before it was ready (${describeExit(exit)}); ` +
          logExcerpt(server.logPath),
      );
    }

    try {
      if (await probe()) return;
    } catch (error) {
      lastProbeError = error;
    }
    await sleep(options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS);
  }

  throw new ProcessStartError(
    `${server.name} was not ready after ${timeoutMs} ms; ${logExcerpt(server.logPath)}`,
    { cause: lastProbeError },
  );
}

/** The last `lines` lines of a log file, or a note that it cannot be read. */
export function tailLog(path: string, lines = LOG_TAIL_LINES): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (error) {
    return `(log ${path} unreadable: ${messageOf(error)})`;
  }
}

function logExcerpt(logPath: string): string {
  return `last lines of ${logPath}:\n${tailLog(logPath)}`;
}

/** Says how a process ended, e.g. `exit code 1` or `killed by SIGKILL`. */
export function describeExit(exit: ProcessExit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

function spawnLogged(options: ProcessOptions): ChildProcess {
  const logFd = openSync(options.logPath, 'a');
  try {
    const [command, args] = withSetpriv(options);
    const child = spawn(command, args, {
      stdio: ['ignore', logFd, logFd],
      env: options.env ?? process.env,
      cwd: options.cwd,
      // A process group of its own: Ctrl-C in a terminal reaches `roomcast up`, which stops the
      // servers in order, not every server at once. Parent death is still covered by setpriv.
      detached: true,
    });
    trackUntilExit(child);
    return child;
  } finally {
    closeSync(logFd);
  }
}

function withSetpriv(options: ProcessOptions): [string, string[]] {
  const { runAs } = options;
  if (!hasSetpriv()) {
    if (runAs) {
      throw new ProcessStartError(
        `starting ${options.name} as uid ${runAs.uid}: ${SETPRIV} (util-linux) is missing`,
      );
    }
    return [options.command, [...options.args]];
  }

  const identity = runAs ? [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--init-groups'] : [];
  return [SETPRIV, ['--pdeathsig=KILL', ...identity, '--', options.command, ...options.args]];
}

let setprivPresent: boolean | undefined;

function hasSetpriv(): boolean {
  if (setprivPresent === undefined) {
    try {
      accessSync(SETPRIV, constants.X_OK);
      setprivPresent = true;
    } catch {
      setprivPresent = false;
    }
  }
  return setprivPresent;
}

function exitOf(child: ChildProcess): Promise<ProcessExit> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // A spawn failure (ENOENT, EACCES) emits 'error' and no 'exit'.
    child.once('error', () => resolve({ code: child.exitCode ?? -1, signal: null }));
  });
}

/** Children still running; killed synchronously if Node exits without stopping them. */
const running = new Set<ChildProcess>();

function trackUntilExit(child: ChildProcess): void {
  if (!process.listeners('exit').includes(killRunningChildren)) {
    process.on('exit', killRunningChildren);
  }

  running.add(child);
  child.once('exit', () => running.delete(child));
  child.once('error', () => running.delete(child));
}

function killRunningChildren(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** The message of a caught value, whatever was thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

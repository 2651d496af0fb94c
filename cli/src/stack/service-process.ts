/**
 * One Roomcast service as a child process: `node --import tsx services/<name>/src/main.ts`,
 * its output appended to a log file, stopped with SIGTERM and a bounded grace period.
 *
 * Children must not outlive the launcher. Where util-linux's `setpriv` exists each child gets a
 * parent-death signal, so the kernel kills it even when the launcher is killed with SIGKILL;
 * on a normal exit the launcher kills whatever is left synchronously. Each child also gets its
 * own process group, so a Ctrl-C in the terminal reaches only the launcher, which then stops
 * the services in order instead of all at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readFileSync } from 'node:fs';

const SETPRIV = '/usr/bin/setpriv';
const DEFAULT_STOP_TIMEOUT_MS = 15_000;

/** How a child process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** What to run for one service. */
export interface ServiceProcessOptions {
  name: string;
  /** The service's `main.ts`. */
  entry: string;
  /** Working directory; `tsx` is resolved from here, so it is the repository root. */
  cwd: string;
  /** Added over this process's environment. */
  env: Readonly<Record<string, string>>;
  /** Receives stdout and stderr; appended to, so restarts keep the earlier lines. */
  logPath: string;
  /** How long `stop()` waits after SIGTERM before SIGKILL. Default: 15 000 ms. */
  stopTimeoutMs?: number;
}

/** A running service process. */
export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  readonly logPath: string;
  /** Settles once the process has exited; never rejects. */
  readonly exited: Promise<ProcessExit>;
  /** True once `stop()` was called: an exit after that is expected, not a crash. */
  readonly stopRequested: boolean;
  isRunning(): boolean;
  /** SIGTERM (the service drains and exits), then SIGKILL after the grace period. */
  stop(): Promise<ProcessExit>;
}

/** Starts one service. Whether it becomes healthy is the caller's to check. */
export function spawnService(options: ServiceProcessOptions): ServiceProcess {
  const child = spawnLogged(options);
  const exited = exitOf(child);
  const isRunning = (): boolean => child.exitCode === null && child.signalCode === null;
  let stopRequested = false;

  const stop = async (): Promise<ProcessExit> => {
    stopRequested = true;
    if (!isRunning()) return exited;

    child.kill('SIGTERM');
    const escalation = setTimeout(
      () => child.kill('SIGKILL'),
      options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS,
    );
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

/** The last `lines` lines of a log file, or a note that it cannot be read. */
export function tailLog(path: string, lines = 20): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (error) {
    return `(log ${path} unreadable: ${error instanceof Error ? error.message : String(error)})`;
  }
}

/** Says how a process ended, e.g. `exit code 1` or `killed by SIGKILL`. */
export function describeExit(exit: ProcessExit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

function spawnLogged(options: ServiceProcessOptions): ChildProcess {
  const node = [process.execPath, '--import', 'tsx', options.entry];
  const [command, ...args] = hasSetpriv() ? [SETPRIV, '--pdeathsig=KILL', '--', ...node] : node;

  const logFd = openSync(options.logPath, 'a');
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', logFd, logFd],
      detached: true,
    });
    trackUntilExit(child);
    return child;
  } finally {
    closeSync(logFd);
  }
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

/** Children still running; killed synchronously if the launcher exits without stopping them. */
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

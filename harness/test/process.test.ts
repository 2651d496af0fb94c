import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProcessStartError, startProcess, waitUntilReady } from '../src/process.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'orphan-parent.ts');

/** Alive means running: a zombie nobody has reaped yet counts as dead. */
async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitForDeath(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await isAlive(pid))) return true;
    await sleep(50);
  }
  return false;
}

/** Runs the fixture in its own Node process and resolves the pid of the sleep it started. */
function runFixture(logPath: string, mode: 'idle' | 'exit') {
  const parent = spawn(process.execPath, ['--import', 'tsx', FIXTURE, logPath, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const childPid = new Promise<number>((resolve, reject) => {
    parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    parent.once('exit', (code) => reject(new Error(`fixture exited (${code}) before printing`)));
  });
  return { parent, childPid };
}

describe('process', { timeout: 30_000 }, () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roomcast-process-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports an early exit with the exit code and the last lines of the log', async () => {
    const logPath = join(dir, 'broken.log');
    const server = startProcess({
      name: 'broken',
      command: 'sh',
      args: ['-c', 'echo "config is broken" >&2; exit 3'],
      logPath,
    });

    const ready = waitUntilReady(server, async () => false, { timeoutMs: 5_000 });

    await expect(ready).rejects.toBeInstanceOf(ProcessStartError);
    await expect(ready).rejects.toThrow(/broken exited before it was ready \(exit code 3\)/);
    await expect(ready).rejects.toThrow(/config is broken/);
  });

  it('gives up after the deadline and keeps the last probe error as the cause', async () => {
    const server = startProcess({
      name: 'silent',
      command: 'sleep',
      args: ['30'],
      logPath: join(dir, 'silent.log'),
    });
    const refused = new Error('connection refused');

    try {
      const ready = waitUntilReady(server, () => Promise.reject(refused), { timeoutMs: 300 });
      await expect(ready).rejects.toThrow(/silent was not ready after 300 ms/);
      await expect(ready).rejects.toHaveProperty('cause', refused);
    } finally {
      await server.stop();
    }
  });

  it('kills a process that ignores the stop signal once the grace period is over', async () => {
    const logPath = join(dir, 'stubborn.log');
    const server = startProcess({
      name: 'stubborn',
      command: 'bash',
      args: ['-c', 'trap "" TERM; echo ignoring TERM; exec sleep 30'],
      logPath,
      stopTimeoutMs: 200,
    });
    // Only once it has said so is the trap in place; a signal before that would end it at once.
    await waitUntilReady(server, async () =>
      (await readFile(logPath, 'utf8')).includes('ignoring'),
    );

    const exit = await server.stop();

    expect(exit.signal).toBe('SIGKILL');
    expect(server.isRunning()).toBe(false);
  });

  it('leaves no child behind when the Node process is killed with SIGKILL', async () => {
    const { parent, childPid } = runFixture(join(dir, 'killed.log'), 'idle');
    const pid = await childPid;
    expect(await isAlive(pid)).toBe(true);

    parent.kill('SIGKILL');

    expect(await waitForDeath(pid, 5_000)).toBe(true);
  });

  it('leaves no child behind when the Node process exits without stopping it', async () => {
    const { childPid } = runFixture(join(dir, 'exited.log'), 'exit');
    const pid = await childPid;

    expect(await waitForDeath(pid, 5_000)).toBe(true);
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PORT_BLOCK_SIZE, REPO_ROOT } from '../src/index.js';
import { descendantsOf, isAlive } from './process-tree.js';

const SHIM = join(REPO_ROOT, 'cli', 'bin', 'roomcast.js');
const dataDir = mkdtempSync(join(tmpdir(), 'roomcast-up-test-'));
// Under root PostgreSQL runs as the postgres account, which must be able to enter the data dir.
chmodSync(dataDir, 0o755);
const READY_TIMEOUT_MS = 150_000;

/** A running `roomcast up` and everything it printed so far. */
interface UpRun {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startUp(portBase: number): UpRun {
  const child = spawn(
    process.execPath,
    [SHIM, 'up', '--demo', '--port-base', String(portBase), '--data-dir', dataDir],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } },
  );
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output: () => text, exited };
}

async function waitForLine(run: UpRun, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(run.output())) {
    if (run.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`no line matching ${pattern}; roomcast up printed:\n${run.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Runs `up`, waits for the demo to post, then Ctrl-C; resolves what it printed. */
async function upUntilCtrlC(portBase: number): Promise<string> {
  const run = startUp(portBase);
  try {
    await waitForLine(run, /Press Ctrl-C to stop/, READY_TIMEOUT_MS);
    const children = descendantsOf(run.child.pid ?? -1);
    // A few demo messages go out before the stop.
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(children.length).toBeGreaterThan(7);
    expect(children.filter(isAlive)).toEqual([]);
    return run.output();
  } finally {
    run.child.kill('SIGKILL');
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

/** A block of PORT_BLOCK_SIZE loopback ports that are all free right now. */
async function freePortBlock(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 400) * 100;
    const ports = Array.from({ length: PORT_BLOCK_SIZE }, (_, i) => base + i);
    if ((await Promise.all(ports.map(canListen))).every(Boolean)) return base;
  }
  throw new Error('no free block of loopback ports found');
}

describe('roomcast up', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('up - runs in the foreground until Ctrl-C, then stops everything and says so', async () => {
    const base = await freePortBlock();
    const output = await upUntilCtrlC(base);

    expect(output).toContain(`REST       http://127.0.0.1:${base}/v1/`);
    expect(output).toContain(`WebSocket  ws://127.0.0.1:${base}/ws/sessions/{id}`);
    expect(output).toMatch(/logs {7}\S+/);
    expect(output).toContain(`data       ${dataDir}`);
    expect(output).toMatch(/Demo: session \d+ is live\n/);
    expect(output).not.toContain('demo: message');
    expect(output).toContain('Stopped: every server and service is down');
  }, 240_000);

  it('up - a second run on the same data dir finds the demo user, room and session', async () => {
    const output = await upUntilCtrlC(await freePortBlock());

    expect(output).toMatch(
      /Demo: session \d+ is live \(found from an earlier run: user, room, session\)/,
    );
    expect(output).toContain('Stopped: every server and service is down');
  }, 240_000);
});

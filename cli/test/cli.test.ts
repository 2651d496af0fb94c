import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/index.js';

const SHIM = join(REPO_ROOT, 'cli', 'bin', 'roomcast.js');
const scratch = mkdtempSync(join(tmpdir(), 'roomcast-cli-test-'));

/** Runs the `roomcast` bin shim from outside the repository, as an installed command would. */
function roomcast(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [SHIM, ...args], {
    cwd: scratch,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

describe('roomcast command line', () => {
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('cli - --help lists the up command and exits 0', () => {
    const result = roomcast('--help');

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: roomcast');
    expect(result.stdout).toMatch(/\bup \[options\]/);
  });

  it('cli - up --help documents its options', () => {
    const result = roomcast('up', '--help');

    expect(result.status).toBe(0);
    for (const option of ['--demo', '--data-dir', '--port-base', '--no-install']) {
      expect(result.stdout).toContain(option);
    }
  });

  it('cli - an unknown option exits non-zero and names the option', () => {
    const result = roomcast('up', '--bogus');

    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("unknown option '--bogus'");
    expect(result.stderr).toContain('roomcast --help');
  });

  it('cli - an unknown command exits non-zero and names it', () => {
    const result = roomcast('dowm');

    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("unknown command 'dowm'");
  });

  it('cli - a port base out of range is refused before anything starts', () => {
    const result = roomcast('up', '--port-base', '80');

    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('port base must be a whole number from 1024');
  });

  it('cli - up refuses a port block in use, naming the port, and starts nothing', async () => {
    const { server, port } = await listen();
    try {
      const dataDir = join(scratch, 'data');
      const result = roomcast('up', '--port-base', String(port), '--data-dir', dataDir);

      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`${port}`);
      expect(result.stderr).toContain('already in use');
      expect(result.stdout).not.toContain('starting PostgreSQL');
    } finally {
      server.close();
    }
  });
});

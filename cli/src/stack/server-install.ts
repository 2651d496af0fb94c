/**
 * Makes sure the server binaries the stack runs are present, running
 * `tools/install-servers.sh` (PostgreSQL, Redis, NATS, Envoy) when any is missing.
 */
import { locateBinary, MissingBinaryError, type ServerBinary } from '@roomcast/harness';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { StackEventListener } from './stack-events.js';

/** The binaries `startStack` needs; initdb comes with the postgres package. */
const REQUIRED: readonly ServerBinary[] = [
  'postgres',
  'initdb',
  'nats-server',
  'redis-server',
  'envoy',
];

/** Output lines kept to explain a failed install. */
const KEPT_LINES = 20;

/** Thrown when the install script fails; the message carries its last lines. */
export class ServerInstallError extends Error {
  readonly code = 'STACK_SERVER_INSTALL_FAILED';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ServerInstallError';
  }
}

/** The required binaries the harness cannot find. */
export function missingBinaries(): ServerBinary[] {
  return REQUIRED.filter((binary) => {
    try {
      locateBinary(binary);
      return false;
    } catch (error) {
      if (error instanceof MissingBinaryError) return true;
      throw error;
    }
  });
}

/**
 * Runs the install script when a binary is missing, reporting each line it prints.
 * Resolves without running anything when all binaries are present.
 * @throws ServerInstallError when the script fails or a binary is still missing after it.
 */
export async function ensureServersInstalled(options: {
  repoRoot: string;
  emit: StackEventListener;
}): Promise<void> {
  const missing = missingBinaries();
  if (missing.length === 0) return;

  options.emit({ kind: 'install-started', missing });
  await runInstallScript(options);

  const stillMissing = missingBinaries();
  if (stillMissing.length > 0) {
    throw new ServerInstallError(
      `tools/install-servers.sh finished, but ${stillMissing.join(', ')} still cannot be found`,
    );
  }
  options.emit({ kind: 'install-finished' });
}

function runInstallScript(options: { repoRoot: string; emit: StackEventListener }): Promise<void> {
  const script = join(options.repoRoot, 'tools', 'install-servers.sh');
  const lastLines: string[] = [];
  const child = spawn('bash', [script], {
    cwd: options.repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const onLine = (line: string): void => {
    lastLines.push(line);
    if (lastLines.length > KEPT_LINES) lastLines.shift();
    options.emit({ kind: 'install-output', line });
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);

  return new Promise((resolve, reject) => {
    child.once('error', (error) =>
      reject(new ServerInstallError(`running bash ${script}: ${error.message}`, { cause: error })),
    );
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new ServerInstallError(`${script} ${how}; its last lines:\n${lastLines.join('\n')}`));
    });
  });
}

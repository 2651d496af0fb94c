/**
 * Where the stack keeps its data, logs and the Adapter's webhook secret: under `.roomcast/` in
 * the repository for `roomcast up`, or in one temp dir, removed on stop, for tests.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository this CLI runs from (the services are started from its source). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** `.roomcast/` in the repository: the default home of `roomcast up`'s data and logs. */
export const STATE_DIR = join(REPO_ROOT, '.roomcast');

const SECRET_FILE = 'adapter-webhook-secret';

/** The directories of one stack. */
export interface StackDirs {
  /** Root of the servers' data: `postgres/`, `nats/`, `redis/` below it. */
  dataDir: string;
  logDir: string;
  /** True when the data outlives the stack. */
  persistent: boolean;
  /**
   * Removes what must not outlive the stack: the temp dir of an ephemeral one, or with
   * `keepLogs` all of it but the logs, so a failed start can still be read.
   */
  cleanUp(options?: { keepLogs?: boolean }): Promise<void>;
}

/**
 * Creates the stack's directories. With `dataDir` the data is persistent and logs default to
 * `.roomcast/logs`; without it everything lives in a fresh temp dir removed by `cleanUp`.
 */
export async function prepareStackDirs(options: {
  dataDir?: string;
  logDir?: string;
}): Promise<StackDirs> {
  const temp =
    options.dataDir === undefined ? await mkdtemp(join(tmpdir(), 'roomcast-stack-')) : undefined;
  const dataDir = resolve(options.dataDir ?? join(temp ?? '', 'data'));
  const logDir = resolve(options.logDir ?? (temp ? join(temp, 'logs') : join(STATE_DIR, 'logs')));

  await mkdir(dataDir, { recursive: true });
  await mkdir(logDir, { recursive: true });

  const cleanUp = async ({ keepLogs = false } = {}): Promise<void> => {
    if (!temp) return;
    await rm(keepLogs ? dataDir : temp, { recursive: true, force: true });
  };
  return { dataDir, logDir, persistent: temp === undefined, cleanUp };
}

/**
 * The Adapter's webhook secret: read from `<dataDir>/adapter-webhook-secret`, or generated
 * (32 random bytes, hex) and written there readable by the owner only, so webhook senders
 * configured once keep working across restarts.
 */
export async function loadOrCreateWebhookSecret(
  dataDir: string,
): Promise<{ secret: string; path: string }> {
  const path = join(dataDir, SECRET_FILE);
  const existing = await readFile(path, 'utf8').catch(() => '');
  if (existing.trim() !== '') return { secret: existing.trim(), path };

  const secret = randomBytes(32).toString('hex');
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  return { secret, path };
}

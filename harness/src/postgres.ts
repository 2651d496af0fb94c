/**
 * A real PostgreSQL server on 127.0.0.1, for tests and the local stack.
 *
 * The cluster is made with initdb when its data dir is missing or empty; the bootstrap
 * superuser is `roomcast` with a password, so the server is reached over TCP only (unix
 * sockets are off) with an ordinary `postgres://` URL. PostgreSQL refuses to run as root, so
 * under root the server runs as the `postgres` OS account, which owns the data dir.
 */
import { execFileSync } from 'node:child_process';
import { chown, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { locateBinary, locatePostgresProgram } from './binaries.js';
import { freePort } from './free-port.js';
import { launchServer } from './launch-server.js';
import { messageOf, runToCompletion, type RunAs } from './process.js';
import { createScratchDir } from './scratch-dir.js';

/** The superuser role, its password and the database that every harness cluster has. */
export const POSTGRES_USER = 'roomcast';
export const POSTGRES_PASSWORD = 'roomcast';
export const POSTGRES_DATABASE = 'roomcast';

const OS_ACCOUNT = 'postgres';

/** Options of `startPostgres`. */
export interface PostgresOptions {
  /**
   * Persistent data dir (PGDATA), initialised with initdb when missing or empty and kept on
   * stop; fsync stays on. Default: a temp dir, removed on stop, with fsync off for speed.
   */
  dataDir?: string;
  /** TCP port on 127.0.0.1. Default: a free port. */
  port?: number;
  /** File that receives the server's output. Default: a temp file removed on stop. */
  logPath?: string;
  /** How long to wait for the server to answer queries. Default: 30 000 ms. */
  readyTimeoutMs?: number;
}

/** A running PostgreSQL server. */
export interface PostgresServer {
  /** `postgres://roomcast:roomcast@127.0.0.1:<port>/roomcast` */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly logPath: string;
  /** Fast shutdown (open sessions are ended); removes the data dir if it was temporary. */
  stop(): Promise<void>;
}

/** Starts PostgreSQL and resolves once database `roomcast` accepts queries. */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const scratch = await createScratchDir('postgres');
  const persistent = options.dataDir !== undefined;
  const dataDir = options.dataDir ?? join(scratch, 'data');
  const logPath = options.logPath ?? join(scratch, 'postgres.log');
  const port = options.port ?? (await freePort());

  try {
    const runAs = process.getuid?.() === 0 ? postgresAccount() : undefined;
    if (runAs) await chown(scratch, runAs.uid, runAs.gid);
    await prepareDataDir({ dataDir, scratch, logPath, runAs, persistent });

    const connection = connectionTo(port);
    const stop = await launchServer({
      name: 'postgres',
      command: locateBinary('postgres'),
      args: serverArgs({ dataDir, port, persistent }),
      logPath,
      runAs,
      stopSignal: 'SIGINT',
      stopTimeoutMs: 30_000,
      probe: () => answers({ ...connection, database: 'postgres' }),
      readyTimeoutMs: options.readyTimeoutMs,
      prepare: () => ensureDatabase(connection),
      scratchDir: scratch,
    });
    return { url: urlOf(port), port, dataDir, logPath, stop };
  } catch (error) {
    throw new Error(
      `starting PostgreSQL on 127.0.0.1:${port} with data dir ${dataDir}: ${messageOf(error)}`,
      { cause: error },
    );
  }
}

interface DataDirPlan {
  dataDir: string;
  /** Holds the password file initdb reads; the OS account can read it. */
  scratch: string;
  logPath: string;
  runAs: RunAs | undefined;
  persistent: boolean;
}

async function prepareDataDir(plan: DataDirPlan): Promise<void> {
  const entries = await readdir(plan.dataDir).catch(() => [] as string[]);
  if (entries.includes('PG_VERSION')) return;
  if (entries.length > 0) {
    throw new Error(`${plan.dataDir} is neither empty nor a PostgreSQL data dir (no PG_VERSION)`);
  }

  await mkdir(plan.dataDir, { recursive: true, mode: 0o700 });
  if (plan.runAs) {
    await chown(plan.dataDir, plan.runAs.uid, plan.runAs.gid);
    assertWritableBy(plan.runAs, plan.dataDir);
  }

  const passwordFile = join(plan.scratch, 'initdb-password');
  await writeFile(passwordFile, `${POSTGRES_PASSWORD}\n`, { mode: 0o600 });
  if (plan.runAs) await chown(passwordFile, plan.runAs.uid, plan.runAs.gid);
  try {
    await runToCompletion({
      name: 'initdb',
      command: locatePostgresProgram('initdb'),
      args: initdbArgs(plan, passwordFile),
      logPath: plan.logPath,
      runAs: plan.runAs,
    });
  } finally {
    await rm(passwordFile, { force: true });
  }
}

function initdbArgs(plan: DataDirPlan, passwordFile: string): string[] {
  return [
    `--pgdata=${plan.dataDir}`,
    `--username=${POSTGRES_USER}`,
    `--pwfile=${passwordFile}`,
    '--auth=scram-sha-256',
    '--encoding=UTF8',
    '--locale=C',
    // A temporary cluster does not outlive the test run; skip the slow fsync of initdb.
    ...(plan.persistent ? [] : ['--no-sync']),
  ];
}

function serverArgs(options: { dataDir: string; port: number; persistent: boolean }): string[] {
  const settings = [
    'listen_addresses=127.0.0.1',
    'unix_socket_directories=',
    ...(options.persistent ? [] : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off']),
  ];
  return ['-D', options.dataDir, '-p', String(options.port), ...settings.flatMap((s) => ['-c', s])];
}

/** The `postgres` OS account, created (as a system account) when this machine has none. */
function postgresAccount(): RunAs {
  const existing = lookupAccount(OS_ACCOUNT);
  if (existing) return existing;

  try {
    execFileSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', OS_ACCOUNT],
      { stdio: 'pipe' },
    );
  } catch (error) {
    throw new Error(`creating the ${OS_ACCOUNT} OS account with useradd`, { cause: error });
  }
  const created = lookupAccount(OS_ACCOUNT);
  if (!created) throw new Error(`the ${OS_ACCOUNT} OS account is missing right after useradd`);
  return created;
}

function lookupAccount(name: string): RunAs | undefined {
  try {
    const id = (flag: string): number =>
      Number(execFileSync('id', [flag, name], { stdio: 'pipe' }).toString().trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/** Fails early, with advice, when the account cannot reach the data dir (e.g. under /root). */
function assertWritableBy(runAs: RunAs, dir: string): void {
  try {
    execFileSync(
      '/usr/bin/setpriv',
      [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--init-groups', '--', 'test', '-w', dir],
      { stdio: 'pipe' },
    );
  } catch (error) {
    throw new Error(
      `the ${OS_ACCOUNT} OS account cannot write to ${dir}; pick a data dir whose parent ` +
        'directories it may enter (not under /root)',
      { cause: error },
    );
  }
}

interface Connection {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

function connectionTo(port: number): Connection {
  const [user, password, database] = [POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DATABASE];
  return { host: '127.0.0.1', port, user, password, database };
}

function urlOf(port: number): string {
  return `postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@127.0.0.1:${port}/${POSTGRES_DATABASE}`;
}

async function answers(connection: Connection): Promise<boolean> {
  await withClient(connection, (client) => client.query('select 1'));
  return true;
}

async function ensureDatabase(connection: Connection): Promise<void> {
  await withClient({ ...connection, database: 'postgres' }, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [
      connection.database,
    ]);
    if (found.rowCount === 0) await client.query(`create database "${connection.database}"`);
  });
}

async function withClient<T>(
  connection: Connection,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ ...connection, connectionTimeoutMillis: 2_000 });
  // A connection the server drops mid-probe would otherwise be an unhandled 'error' event.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

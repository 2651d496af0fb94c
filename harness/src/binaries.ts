/**
 * Where the harness finds the server binaries it runs.
 *
 * Lookup order for each binary: its environment override (`ROOMCAST_ENVOY_BIN` and the like),
 * the install cache (`$ROOMCAST_CACHE/bin`, filled by `tools/install-servers.sh`), the PATH,
 * and for PostgreSQL's programs Debian's `/usr/lib/postgresql/<major>/bin`, newest major first.
 */
import { accessSync, constants, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

/** The programs the harness knows how to find. */
export type ServerBinary =
  'postgres' | 'initdb' | 'pg_ctl' | 'redis-server' | 'nats-server' | 'envoy';

const POSTGRES_PROGRAMS: ReadonlySet<ServerBinary> = new Set(['postgres', 'initdb', 'pg_ctl']);
const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';
const INSTALL_HINT = 'run `bash tools/install-servers.sh` from the repository root';

/** Thrown when a server binary is nowhere to be found, or an override points at nothing. */
export class MissingBinaryError extends Error {
  readonly code = 'HARNESS_BINARY_MISSING';

  constructor(
    readonly binary: ServerBinary,
    message: string,
  ) {
    super(message);
    this.name = 'MissingBinaryError';
  }
}

/**
 * The install cache that `tools/install-servers.sh` fills.
 * Default: `$ROOMCAST_CACHE`, else `~/.cache/roomcast`.
 */
export function cacheDir(): string {
  return process.env.ROOMCAST_CACHE || join(homedir(), '.cache', 'roomcast');
}

/** The environment variable that overrides a binary's path, e.g. `ROOMCAST_NATS_SERVER_BIN`. */
export function overrideVariable(binary: ServerBinary): string {
  return `ROOMCAST_${binary.toUpperCase().replace(/-/g, '_')}_BIN`;
}

/**
 * The absolute path of `binary`.
 * @throws MissingBinaryError naming the binary and how to install it.
 */
export function locateBinary(binary: ServerBinary): string {
  const variable = overrideVariable(binary);
  const override = process.env[variable];
  if (override) {
    if (isExecutable(override)) return override;
    throw new MissingBinaryError(
      binary,
      `${variable}=${override} is not an executable file; fix it or unset it to use ${binary} ` +
        `from ${join(cacheDir(), 'bin')} or the PATH`,
    );
  }

  const found = candidates(binary).find(isExecutable);
  if (found) return found;

  throw new MissingBinaryError(
    binary,
    `${binary} was not found (looked at $${variable}, ${join(cacheDir(), 'bin')}, the PATH` +
      `${POSTGRES_PROGRAMS.has(binary) ? `, ${DEBIAN_POSTGRES_ROOT}/*/bin` : ''}); ${INSTALL_HINT}`,
  );
}

/**
 * A PostgreSQL program from the same installation as the `postgres` server binary, so that
 * initdb and the server always agree on the major version.
 */
export function locatePostgresProgram(program: 'initdb' | 'pg_ctl'): string {
  const sibling = join(dirname(locateBinary('postgres')), program);
  return isExecutable(sibling) ? sibling : locateBinary(program);
}

function candidates(binary: ServerBinary): string[] {
  const fromPath = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, binary));
  const fromDebian = POSTGRES_PROGRAMS.has(binary)
    ? debianPostgresBinDirs().map((dir) => join(dir, binary))
    : [];

  return [join(cacheDir(), 'bin', binary), ...fromPath, ...fromDebian];
}

/** `/usr/lib/postgresql/<major>/bin`, newest major first. */
function debianPostgresBinDirs(): string[] {
  let majors: string[];
  try {
    majors = readdirSync(DEBIAN_POSTGRES_ROOT);
  } catch {
    return [];
  }

  return majors
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a))
    .map((major) => join(DEBIAN_POSTGRES_ROOT, major, 'bin'));
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

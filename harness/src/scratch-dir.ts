/**
 * Throwaway directories for one server instance: its log, its config, and its data when the
 * caller asked for no persistent data dir.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory under the OS temp dir, named `roomcast-<name>-XXXXXX`. */
export async function createScratchDir(name: string): Promise<string> {
  try {
    return await mkdtemp(join(tmpdir(), `roomcast-${name}-`));
  } catch (error) {
    throw new Error(`creating a scratch dir for ${name} under ${tmpdir()}`, { cause: error });
  }
}

/** Removes a scratch dir and everything in it; a dir already gone is fine. */
export async function removeScratchDir(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

/**
 * The life every harness server shares: started, probed until ready, stopped again at once
 * when it never gets there, and on a normal stop followed by the removal of its scratch dir.
 * What differs between servers (arguments, probe, extra set-up) stays with each server.
 */
import { startProcess, waitUntilReady, type ServerProcessOptions } from './process.js';
import { removeScratchDir } from './scratch-dir.js';

/** Options of `launchServer`: the process, how to tell it is ready, and what to clean up. */
export interface LaunchOptions extends ServerProcessOptions {
  /** Resolves true once the server serves; a throw counts as "not yet". */
  probe: () => Promise<boolean>;
  /** How long `probe` may take to say yes. Default: `waitUntilReady`'s 30 000 ms. */
  readyTimeoutMs?: number;
  /** Set-up once the server is ready, e.g. creating a database. Default: none. */
  prepare?: () => Promise<void>;
  /** Removed after the server has stopped. */
  scratchDir: string;
}

/**
 * Starts a server and resolves, once it is ready and prepared, with the function that stops it
 * and removes its scratch dir.
 * @throws ProcessStartError (or `prepare`'s error) after stopping the server again.
 */
export async function launchServer(options: LaunchOptions): Promise<() => Promise<void>> {
  const { probe, readyTimeoutMs, prepare, scratchDir, ...processOptions } = options;
  const server = startProcess(processOptions);

  try {
    await waitUntilReady(server, probe, { timeoutMs: readyTimeoutMs });
    await prepare?.();
  } catch (error) {
    await server.stop();
    throw error;
  }

  return async () => {
    await server.stop();
    await removeScratchDir(scratchDir);
  };
}

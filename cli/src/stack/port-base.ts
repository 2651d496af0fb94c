/**
 * The limits of `--port-base N`, kept apart from the port plan so the command line can check
 * the option without loading the gateway generator.
 */

/** How many consecutive ports a block from `--port-base` takes. */
export const PORT_BLOCK_SIZE = 40;

/** Below this, ports need privileges; above the maximum, the block would pass 65535. */
export const MIN_PORT_BASE = 1024;
export const MAX_PORT_BASE = 65536 - PORT_BLOCK_SIZE;

/**
 * Why `base` cannot start a port block, or undefined when it can.
 * @param shown how to quote the value in the message. Default: the number itself.
 */
export function portBaseProblem(base: number, shown = String(base)): string | undefined {
  if (Number.isInteger(base) && base >= MIN_PORT_BASE && base <= MAX_PORT_BASE) return undefined;
  return `port base must be a whole number from ${MIN_PORT_BASE} to ${MAX_PORT_BASE}, got ${shown}`;
}

/**
 * The `roomcast` executable: `npx tsx cli/src/main.ts <command>` or, through the package's bin
 * shim, `roomcast <command>`.
 */
import { buildProgram } from './program.js';

await buildProgram().parseAsync(process.argv);

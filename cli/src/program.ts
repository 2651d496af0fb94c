/**
 * The `roomcast` command line: one commander program, one subcommand per admin task.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { join } from 'node:path';
import { PORT_BLOCK_SIZE, portBaseProblem } from './stack/port-base.js';
import { STATE_DIR } from './stack/stack-dirs.js';
import type { UpOptions } from './up/up-command.js';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** Builds the program; `main.ts` runs it on the process's arguments. */
export function buildProgram(): Command {
  const program = new Command('roomcast')
    .description('Administer Roomcast, the platform for live rooms.')
    .showHelpAfterError('(run roomcast --help for usage)')
    .showSuggestionAfterError();

  program
    .command('up')
    .description(
      'Start the whole platform locally on 127.0.0.1: PostgreSQL, NATS (JetStream), Redis, ' +
        'the seven services and Envoy, in the foreground until Ctrl-C.',
    )
    .option('--demo', 'create a demo user, room and live session and post chat every second')
    .option('--data-dir <dir>', 'where data is kept across runs', join(STATE_DIR, 'data'))
    .option(
      '--port-base <n>',
      `listen on the ${PORT_BLOCK_SIZE} ports from n on (Envoy on n) instead of the defaults ` +
        '(Envoy 8080)',
      parsePortBase,
    )
    .option('--no-install', 'fail instead of running tools/install-servers.sh for missing servers')
    .addOption(
      new Option('--log-level <level>', 'log level of the services')
        .choices(LOG_LEVELS)
        .default('info'),
    )
    .action(async (options: UpOptions) => {
      // Loaded on use: the stack pulls in the gateway generator, which `--help` does not need.
      const { runUp } = await import('./up/up-command.js');
      process.exitCode = await runUp({ ...options, demo: options.demo === true });
    });

  return program;
}

function parsePortBase(value: string): number {
  const base = /^\d+$/.test(value) ? Number(value) : NaN;
  const problem = portBaseProblem(base, `"${value}"`);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  return base;
}

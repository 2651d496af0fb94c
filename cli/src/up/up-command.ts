/**
 * `roomcast up`: starts the local stack in the foreground, prints where everything is, and on
 * Ctrl-C (or SIGTERM, SIGHUP) stops it all in reverse order and says so.
 */
import { startStack, type Stack } from '../stack/start-stack.js';
import type { PortChoice } from '../stack/port-plan.js';
import { demoSummary, endpointSummary } from './endpoint-summary.js';
import { prepareDemo, startChatFeed } from './demo-feed.js';
import { progressLine } from './progress-lines.js';
import { RestClient } from './rest-client.js';

/** The options of `roomcast up`, as commander parsed them. */
export interface UpOptions {
  demo: boolean;
  dataDir: string;
  /** Absent: the standard ports. */
  portBase?: number;
  install: boolean;
  logLevel: string;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Runs `up` until a stop signal; resolves the process exit code. */
export async function runUp(options: UpOptions): Promise<number> {
  const stopRequested = new AbortController();
  const removeHandlers = handleStopSignals(stopRequested);

  try {
    print(`Starting Roomcast on 127.0.0.1 (data in ${options.dataDir})`);
    const stack = await startStack({
      dataDir: options.dataDir,
      ports: portChoice(options),
      install: options.install,
      logLevel: options.logLevel,
      signal: stopRequested.signal,
      onEvent: (event) => {
        const line = progressLine(event);
        if (line !== undefined) print(line);
      },
    });

    endpointSummary(stack).forEach(print);
    const stopDemo = options.demo ? await runDemo(stack) : async () => undefined;
    print('Press Ctrl-C to stop.');

    await new Promise((resolve) => stopRequested.signal.addEventListener('abort', resolve));
    await stopDemo();
    await stack.stop();
    print('Stopped: every server and service is down; data kept in ' + options.dataDir);
    return 0;
  } catch (error) {
    if (stopRequested.signal.aborted) {
      print('Stopped before the stack was up; everything that had started is down again.');
      return 0;
    }
    printError(`roomcast up failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    removeHandlers();
  }
}

async function runDemo(stack: Stack): Promise<() => Promise<void>> {
  const rest = new RestClient(stack.restUrl);
  const demo = await prepareDemo(rest);
  demoSummary(stack, demo).forEach(print);

  let failures = 0;
  return startChatFeed({
    rest,
    demo,
    onPosted: ({ n, error }) => {
      // One line per failure streak, not one a second while a service restarts.
      if (error && failures++ === 0) print(`demo: message #${n} failed: ${error.message}`);
      if (!error && failures > 0) {
        print(`demo: posting again (message #${n}) after ${failures} failed`);
        failures = 0;
      }
    },
  });
}

function portChoice(options: UpOptions): PortChoice {
  return options.portBase === undefined ? 'standard' : { base: options.portBase };
}

/** The first stop signal stops the stack gracefully; a second one exits at once. */
function handleStopSignals(stopRequested: AbortController): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!stopRequested.signal.aborted) {
      print(`\n${signal}: stopping (press Ctrl-C again to kill everything at once)`);
      stopRequested.abort();
      return;
    }
    // Exit handlers kill every child synchronously, so nothing outlives this.
    printError(`${signal} again: killing everything`);
    process.exit(130);
  };

  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  };
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function printError(line: string): void {
  process.stderr.write(`${line}\n`);
}

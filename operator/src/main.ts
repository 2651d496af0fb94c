/** The operator process: reads its environment, runs until SIGTERM or SIGINT, then stops. */
import { asError, ConfigError, createLogger } from '@roomcast/kit';

import { readOperatorConfig } from './config.js';
import { startOperator } from './operator.js';

const log = createLogger('operator');

try {
  const operator = await startOperator(readOperatorConfig(), { log });
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    operator.stop().then(
      () => process.exit(0),
      (caught: unknown) => {
        log.error({ err: asError(caught) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
} catch (caught) {
  const error = asError(caught);
  const message =
    error instanceof ConfigError ? `invalid configuration: ${error.message}` : error.message;
  log.fatal({ err: error }, message);
  process.exit(1);
}

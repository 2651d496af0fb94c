import { asError, createLogger, startService } from '@roomcast/kit';
import { realtimeService } from './service.js';

/**
 * Realtime's process. Unlike the other services it does not use runService: on SIGTERM it
 * drains (sockets closed with 1012, LEAVEs signalled) at the same time as the gRPC server
 * stops, rather than after it, so open StreamEvents calls do not hold the sockets hostage.
 */
const realtime = realtimeService();
const log = createLogger('realtime');

startService(realtime).then(
  (service) => {
    let stopping = false;
    const onSignal = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      Promise.all([realtime.drain(), service.stop()]).then(
        () => process.exit(0),
        (caught: unknown) => {
          log.error({ err: asError(caught) }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    process.on('SIGINT', () => onSignal('SIGINT'));
  },
  (caught: unknown) => {
    log.fatal({ err: asError(caught) }, `realtime failed to start: ${asError(caught).message}`);
    process.exit(1);
  },
);

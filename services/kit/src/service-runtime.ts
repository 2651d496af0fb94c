import { Server, ServerCredentials } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { BaseConfig } from './config.js';
import { ConfigError } from './config.js';
import { createLogger, asError, type Logger } from './logger.js';
import { ServiceMetrics, startMetricsServer } from './metrics.js';

/** What a service's start function gets to build itself with. */
export interface ServiceRuntime {
  log: Logger;
  metrics: ServiceMetrics;
  server: Server;
  /** Registers cleanup run at shutdown, after the gRPC server stopped, newest first. */
  onShutdown(close: () => Promise<void> | void): void;
  /**
   * Registers work that hands clients back at shutdown (for example closing long-lived
   * sockets), run once health says NOT_SERVING and while the gRPC server winds down, so
   * streaming calls cannot hold the shutdown up.
   */
  onDrain(drain: () => Promise<void>): void;
}

export interface RunServiceOptions<C extends BaseConfig> {
  name: string;
  /** Reads and validates configuration; a ConfigError stops the process naming the variable. */
  readConfig: () => C;
  /** Connects dependencies and adds gRPC services to runtime.server. */
  start: (runtime: ServiceRuntime, config: C) => Promise<void>;
}

/** A started service, for tests and for the process entry point. */
export interface RunningService {
  grpcPort: number;
  metricsPort: number;
  log: Logger;
  /** Graceful stop: stop taking calls, finish in-flight ones, run cleanup. */
  stop(): Promise<void>;
}

/**
 * Starts a Roomcast service: config, logger, metrics, the gRPC server with the standard health
 * service, then the service's own start function. Health turns SERVING only once all is ready.
 */
export async function startService<C extends BaseConfig>(
  options: RunServiceOptions<C>,
): Promise<RunningService> {
  const config = options.readConfig();
  const log = createLogger(options.name);
  const metrics = new ServiceMetrics(options.name);
  const server = new Server({ 'grpc.keepalive_permit_without_calls': 1 });
  const health = new HealthImplementation({ '': 'NOT_SERVING' });
  health.addToServer(server);

  const cleanups: Array<() => Promise<void> | void> = [];
  const drains: Array<() => Promise<void>> = [];
  const runtime: ServiceRuntime = {
    log,
    metrics,
    server,
    onShutdown: (close) => cleanups.push(close),
    onDrain: (drain) => drains.push(drain),
  };
  await options.start(runtime, config);

  const grpcPort = await bind(server, `${config.bindHost}:${config.grpcPort}`);
  const metricsServer = await startMetricsServer(metrics, {
    host: config.bindHost,
    port: config.metricsPort,
  });
  health.setStatus('', 'SERVING');
  log.info({ grpcPort, metricsPort: metricsServer.port }, 'service started');

  const stop = async () => {
    health.setStatus('', 'NOT_SERVING');
    await Promise.all([
      ...drains.map((drain) => drain()),
      shutdownServer(server, config.shutdownGraceMs),
    ]);
    for (const close of cleanups.reverse()) await close();
    await metricsServer.close();
    log.info('service stopped');
  };
  return { grpcPort, metricsPort: metricsServer.port, log, stop };
}

/** The process entry point: starts the service and stops it gracefully on SIGTERM or SIGINT. */
export function runService<C extends BaseConfig>(options: RunServiceOptions<C>): void {
  startService(options).then(
    (service) => {
      let stopping = false;
      const onSignal = (signal: string) => {
        if (stopping) return;
        stopping = true;
        service.log.info({ signal }, 'shutting down');
        service.stop().then(
          () => process.exit(0),
          (caught: unknown) => {
            service.log.error({ err: asError(caught) }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => onSignal('SIGTERM'));
      process.on('SIGINT', () => onSignal('SIGINT'));
    },
    (caught: unknown) => {
      const error = asError(caught);
      const message =
        error instanceof ConfigError ? `invalid configuration: ${error.message}` : error.message;
      createLogger(options.name).fatal({ err: error }, message);
      process.exit(1);
    },
  );
}

function bind(server: Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) => {
      if (error) reject(new Error(`could not listen for gRPC on ${address}`, { cause: error }));
      else resolve(port);
    });
  });
}

/** Lets in-flight calls finish within graceMs, then cancels what is left. */
async function shutdownServer(server: Server, graceMs: number): Promise<void> {
  const forced = setTimeout(() => server.forceShutdown(), graceMs);
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  clearTimeout(forced);
}

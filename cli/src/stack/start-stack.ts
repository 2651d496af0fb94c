/**
 * The local stack: real PostgreSQL, NATS (JetStream) and Redis from the harness, the seven
 * services each as its own process, and Envoy in front, all on 127.0.0.1. `roomcast up` and the
 * end-to-end tests both start it through `startStack`.
 */
import { startEnvoy, startNats, startPostgres, startRedis } from '@roomcast/harness';
import { join } from 'node:path';
import { gatewayYaml } from './gateway-config.js';
import { ManagedService } from './managed-service.js';
import { planPorts, type PortChoice, type StackPorts } from './port-plan.js';
import { ensureServersInstalled } from './server-install.js';
import {
  assertEntriesExist,
  SERVICE_NAMES,
  serviceEntry,
  serviceEnv,
  type ServiceName,
} from './service-catalog.js';
import {
  loadOrCreateWebhookSecret,
  prepareStackDirs,
  REPO_ROOT,
  type StackDirs,
} from './stack-dirs.js';
import { safeListener, type ServerName, type StackEventListener } from './stack-events.js';
import { Teardown } from './teardown.js';

/** Options of `startStack`. */
export interface StackOptions {
  /**
   * Persistent data root (`postgres/`, `nats/`, `redis/` and the webhook secret below it).
   * Default: a temp dir removed by `stop()`.
   */
  dataDir?: string;
  /** Where every server and service writes its log. Default: `.roomcast/logs` when `dataDir`
   * is given, else `logs/` in the temp dir. */
  logDir?: string;
  /** Which ports to listen on. Default: `'free'`. */
  ports?: PortChoice;
  /** Run `tools/install-servers.sh` when a server binary is missing. Default: true. */
  install?: boolean;
  /** Services to start, in any order (they start in the catalog's order). Default: all seven. */
  services?: readonly ServiceName[];
  /** LOG_LEVEL of every service. Default: `info`. */
  logLevel?: string;
  /** How long each service may take to answer its health check with SERVING. Default: 60 000 ms. */
  healthTimeoutMs?: number;
  /** Receives every state change of the stack. */
  onEvent?: StackEventListener;
  /**
   * Abandons the start when aborted (Ctrl-C during start-up): what had started is stopped and
   * `startStack` rejects with the signal's reason.
   */
  signal?: AbortSignal;
}

/** A running local stack. */
export interface Stack {
  /** Envoy's REST base URL, e.g. `http://127.0.0.1:8080`. */
  readonly restUrl: string;
  /** The WebSocket URL template, e.g. `ws://127.0.0.1:8080/ws/sessions/{id}`. */
  readonly wsUrl: string;
  readonly envoyAdminUrl: string;
  readonly databaseUrl: string;
  readonly natsUrl: string;
  readonly redisUrl: string;
  readonly ports: StackPorts;
  /** The services this stack runs, in start order. */
  readonly services: readonly ServiceName[];
  readonly dataDir: string;
  /** True when the data outlives `stop()`. */
  readonly persistent: boolean;
  readonly logDir: string;
  /** The file holding the Adapter's webhook secret. */
  readonly webhookSecretPath: string;
  /** The WebSocket URL of one session. */
  sessionSocketUrl(sessionId: string): string;
  /** The pid of a service's current process, if it is running. */
  pidOf(name: ServiceName): number | undefined;
  /** Graceful SIGTERM, then the same process again with the same environment, until SERVING. */
  restartService(name: ServiceName): Promise<void>;
  stopService(name: ServiceName): Promise<void>;
  startServiceAgain(name: ServiceName): Promise<void>;
  /** Stops everything in reverse start order; safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Starts the whole stack and resolves once Envoy is ready and every service is SERVING.
 * On failure whatever had started is stopped again before the error is thrown.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const emit = safeListener(options.onEvent);
  const started = Date.now();
  const teardown = new Teardown();
  const dirs = await prepareStackDirs(options);
  // The logs of a start that failed are kept: the error quotes and names them.
  let failed = false;
  teardown.add('the stack directories', () => dirs.cleanUp({ keepLogs: failed }));

  try {
    const names = chooseServices(options);
    const ports = await planPorts(options.ports ?? 'free');
    if (options.install !== false) await ensureServersInstalled({ repoRoot: REPO_ROOT, emit });
    const context = { dirs, ports, emit, teardown, signal: options.signal };

    const infra = await startBackingServers(context);
    const secret = await loadOrCreateWebhookSecret(dirs.dataDir);
    const services = await startServices(names, {
      ...context,
      env: (name) =>
        serviceEnv(name, {
          ...infra,
          ports: ports.services,
          adapterWebhookSecret: secret.secret,
          logLevel: options.logLevel ?? 'info',
        }),
      healthTimeoutMs: options.healthTimeoutMs ?? 60_000,
    });

    await startGateway(context);
    const restUrl = `http://127.0.0.1:${ports.envoy}`;
    emit({ kind: 'stack-ready', restUrl, elapsedMs: Date.now() - started });

    return runningStack({ ...infra, dirs, ports, services, teardown, emit, restUrl, secret });
  } catch (error) {
    failed = true;
    await teardown.run().catch(() => undefined);
    throw error;
  }
}

interface BackingServers {
  databaseUrl: string;
  natsUrl: string;
  redisUrl: string;
}

interface StartContext {
  dirs: StackDirs;
  ports: StackPorts;
  emit: StackEventListener;
  teardown: Teardown;
  signal: AbortSignal | undefined;
}

/** PostgreSQL, NATS and Redis, one after the other so each failure is reported on its own. */
async function startBackingServers(context: StartContext): Promise<BackingServers> {
  const { dirs, ports } = context;
  const dataOf = (name: string): string | undefined =>
    dirs.persistent ? join(dirs.dataDir, name) : undefined;
  const logOf = (name: string): string => join(dirs.logDir, `${name}.log`);

  const postgres = await startServer('postgres', context, () =>
    startPostgres({
      port: ports.postgres,
      dataDir: dataOf('postgres'),
      logPath: logOf('postgres'),
    }),
  );
  const nats = await startServer('nats', context, () =>
    startNats({ port: ports.nats, dataDir: dataOf('nats'), logPath: logOf('nats') }),
  );
  const redis = await startServer('redis', context, () =>
    startRedis({ port: ports.redis, dataDir: dataOf('redis'), logPath: logOf('redis') }),
  );
  return { databaseUrl: postgres.url, natsUrl: nats.url, redisUrl: redis.url };
}

/** The services one after the other, each SERVING before the next starts. */
async function startServices(
  names: readonly ServiceName[],
  context: StartContext & {
    env: (name: ServiceName) => Record<string, string>;
    healthTimeoutMs: number;
  },
): Promise<Map<ServiceName, ManagedService>> {
  const services = new Map<ServiceName, ManagedService>();
  for (const name of names) {
    const service = new ManagedService({
      name,
      entry: serviceEntry(REPO_ROOT, name),
      cwd: REPO_ROOT,
      env: context.env(name),
      logPath: join(context.dirs.logDir, `${name}.log`),
      grpcPort: context.ports.services[name].grpc,
      healthTimeoutMs: context.healthTimeoutMs,
      signal: context.signal,
      emit: context.emit,
    });
    context.teardown.add(`the ${name} service`, () => service.stop());
    services.set(name, service);
    await service.start();
  }
  return services;
}

async function startGateway(context: StartContext): Promise<void> {
  const { ports, dirs } = context;
  await startServer('envoy', context, async () => {
    let configYaml: string;
    try {
      configYaml = gatewayYaml(ports);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`generating the Envoy config with @roomcast/envoy: ${reason}`, {
        cause: error,
      });
    }

    const envoy = await startEnvoy({
      configYaml,
      adminPort: ports.envoyAdmin,
      logPath: join(dirs.logDir, 'envoy.log'),
    });
    return { url: `http://127.0.0.1:${ports.envoy}`, stop: () => envoy.stop() };
  });
}

/** Starts one harness server, reporting it, and records how to stop it. */
async function startServer<T extends { url: string; stop(): Promise<void> }>(
  name: ServerName,
  context: StartContext,
  start: () => Promise<T>,
): Promise<T> {
  context.signal?.throwIfAborted();
  context.emit({ kind: 'server-starting', name });
  const server = await start();
  context.teardown.add(name, async () => {
    await server.stop();
    context.emit({ kind: 'server-stopped', name });
  });
  context.emit({ kind: 'server-started', name, url: server.url });
  return server;
}

function chooseServices(options: StackOptions): ServiceName[] {
  const names = SERVICE_NAMES.filter((name) => options.services?.includes(name) ?? true);
  assertEntriesExist(REPO_ROOT, names);
  return names;
}

function runningStack(
  parts: BackingServers & {
    dirs: StackDirs;
    ports: StackPorts;
    services: Map<ServiceName, ManagedService>;
    teardown: Teardown;
    emit: StackEventListener;
    restUrl: string;
    secret: { path: string };
  },
): Stack {
  const { dirs, ports, services, teardown, emit } = parts;
  const service = (name: ServiceName): ManagedService => {
    const found = services.get(name);
    if (found) return found;
    throw new Error(
      `service ${name} is not part of this stack (it runs ${[...services.keys()].join(', ')})`,
    );
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      emit({ kind: 'stack-stopping' });
      await teardown.run();
      emit({ kind: 'stack-stopped' });
    })();
    return stopping;
  };

  return {
    restUrl: parts.restUrl,
    wsUrl: `ws://127.0.0.1:${ports.envoy}/ws/sessions/{id}`,
    envoyAdminUrl: `http://127.0.0.1:${ports.envoyAdmin}`,
    databaseUrl: parts.databaseUrl,
    natsUrl: parts.natsUrl,
    redisUrl: parts.redisUrl,
    ports,
    services: [...services.keys()],
    dataDir: dirs.dataDir,
    persistent: dirs.persistent,
    logDir: dirs.logDir,
    webhookSecretPath: parts.secret.path,
    sessionSocketUrl: (id) => `ws://127.0.0.1:${ports.envoy}/ws/sessions/${encodeURIComponent(id)}`,
    pidOf: (name) => (service(name).isRunning() ? service(name).pid : undefined),
    restartService: (name) => service(name).restart(),
    stopService: (name) => service(name).stop(),
    startServiceAgain: (name) => service(name).start(),
    stop,
  };
}

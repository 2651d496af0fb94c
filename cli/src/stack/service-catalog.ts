/**
 * The seven Roomcast services as the local stack runs them: their start order, where their
 * entry points live, and the environment each process gets.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every service, in start order: callees before their callers (Session calls Room, Aggregation
 * calls Session, Realtime calls Session), Event before Session so stored events flow at once.
 */
export const SERVICE_NAMES = [
  'user',
  'room',
  'event',
  'session',
  'aggregation',
  'realtime',
  'adapter',
] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The ports one service listens on, all on 127.0.0.1. */
export interface ServicePorts {
  grpc: number;
  metrics: number;
  /** Realtime's WebSocket port. */
  ws?: number;
  /** Adapter's webhook HTTP port. */
  http?: number;
}

/** What every service's environment is built from. */
export interface ServiceEnvInputs {
  databaseUrl: string;
  natsUrl: string;
  redisUrl: string;
  ports: Readonly<Record<ServiceName, ServicePorts>>;
  adapterWebhookSecret: string;
  /** pino level for every service. */
  logLevel: string;
}

/** `services/<name>/src/main.ts` under the repository root. */
export function serviceEntry(repoRoot: string, name: ServiceName): string {
  return join(repoRoot, 'services', name, 'src', 'main.ts');
}

/**
 * Checks that every service to start has its entry point, before anything starts.
 * @throws Error naming each missing `main.ts`.
 */
export function assertEntriesExist(repoRoot: string, names: readonly ServiceName[]): void {
  const missing = names.map((name) => serviceEntry(repoRoot, name)).filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new Error(`cannot start the stack: missing service entry point ${missing.join(', ')}`);
  }
}

/**
 * The environment of one service process: the shared infrastructure URLs and callee addresses,
 * its own ports, and the settings only it reads (WS_PORT, HTTP_PORT, the webhook secret).
 */
export function serviceEnv(name: ServiceName, inputs: ServiceEnvInputs): Record<string, string> {
  const own = inputs.ports[name];
  const address = (callee: ServiceName): string => `127.0.0.1:${inputs.ports[callee].grpc}`;

  const env: Record<string, string> = {
    DATABASE_URL: inputs.databaseUrl,
    NATS_URL: inputs.natsUrl,
    REDIS_URL: inputs.redisUrl,
    BIND_HOST: '127.0.0.1',
    GRPC_PORT: String(own.grpc),
    METRICS_PORT: String(own.metrics),
    ROOM_SERVICE_ADDR: address('room'),
    SESSION_SERVICE_ADDR: address('session'),
    EVENT_SERVICE_ADDR: address('event'),
    LOG_LEVEL: inputs.logLevel,
  };

  if (own.ws !== undefined) env.WS_PORT = String(own.ws);
  if (own.http !== undefined) env.HTTP_PORT = String(own.http);
  // Only the Adapter verifies webhooks; no other process gets to see the secret.
  if (name === 'adapter') env.ADAPTER_WEBHOOK_SECRET = inputs.adapterWebhookSecret;
  return env;
}

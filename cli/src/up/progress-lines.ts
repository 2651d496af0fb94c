/**
 * How `roomcast up` words the stack's events: one short line per state change, or nothing for
 * events not worth a line.
 */
import type { StackEvent } from '../stack/stack-events.js';

const SERVER_TITLES = {
  postgres: 'PostgreSQL',
  nats: 'NATS (JetStream)',
  redis: 'Redis',
  envoy: 'Envoy',
} as const;

type Wording = {
  [K in StackEvent['kind']]: (event: Extract<StackEvent, { kind: K }>) => string | undefined;
};

/** One entry per event kind, so a new kind does not compile until it has its wording. */
const WORDING: Wording = {
  'install-started': (e) =>
    `installing servers (missing: ${e.missing.join(', ')}) with tools/install-servers.sh`,
  'install-output': (e) => `  | ${e.line}`,
  'install-finished': () => 'servers installed',
  'server-starting': (e) => `starting ${SERVER_TITLES[e.name]}...`,
  'server-started': (e) => `  ${SERVER_TITLES[e.name]} up at ${e.url}`,
  'server-stopped': (e) => `  ${SERVER_TITLES[e.name]} stopped`,
  'service-starting': (e) => `starting ${e.name} (pid ${e.pid})...`,
  'service-healthy': (e) =>
    `  ${e.name} SERVING on gRPC 127.0.0.1:${e.port} after ${seconds(e.elapsedMs)}`,
  'service-stopping': () => undefined,
  'service-stopped': (e) => `  ${e.name} stopped (${exitWords(e)})`,
  'service-crashed': (e) => `WARNING: ${e.name} exited on its own (${exitWords(e)}); see its log`,
  'stack-ready': (e) => `all up after ${seconds(e.elapsedMs)}`,
  'stack-stopping': () => 'stopping everything (reverse start order)...',
  'stack-stopped': () => undefined,
};

/** The progress line for one event, or undefined to print nothing. */
export function progressLine(event: StackEvent): string | undefined {
  const word = WORDING[event.kind] as (event: StackEvent) => string | undefined;
  return word(event);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function exitWords(exit: { code: number | null; signal: string | null }): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

/**
 * Which loopback ports the stack's servers and services listen on. `roomcast up` uses fixed
 * ports so URLs stay the same from one run to the next; tests use free ports so they never
 * clash with a running stack.
 */
import { UPSTREAMS } from '@roomcast/envoy';
import { freePort } from '@roomcast/harness';
import { createServer } from 'node:net';
import { PORT_BLOCK_SIZE, portBaseProblem } from './port-base.js';
import { SERVICE_NAMES, type ServiceName, type ServicePorts } from './service-catalog.js';

export { PORT_BLOCK_SIZE };

/** Every port of one stack, all on 127.0.0.1. */
export interface StackPorts {
  postgres: number;
  nats: number;
  redis: number;
  /** Envoy's listener: REST and WebSocket clients come in here. */
  envoy: number;
  envoyAdmin: number;
  services: Record<ServiceName, ServicePorts>;
}

/**
 * How to choose ports: `'standard'` (the fixed defaults below), `{ base }` (a block of
 * PORT_BLOCK_SIZE ports starting at base), or `'free'` (whatever the kernel offers).
 */
export type PortChoice = 'standard' | 'free' | { base: number };

/**
 * The fixed defaults of `roomcast up`. Envoy on 8080 (admin 9901) and the services on the local
 * ports of the gateway's route table (gRPC 50051-50057, Realtime WebSocket 8081, Adapter HTTP
 * 8082), so the default gateway config and the stack agree; metrics on 9471-9477; the backing
 * servers one digit up from their usual ports, so a system PostgreSQL or Redis keeps its own.
 */
export const STANDARD_PORTS: StackPorts = {
  postgres: 15432,
  nats: 14222,
  redis: 16379,
  envoy: 8080,
  envoyAdmin: 9901,
  services: {
    user: { grpc: UPSTREAMS.user.localPort, metrics: 9471 },
    room: { grpc: UPSTREAMS.room.localPort, metrics: 9472 },
    session: { grpc: UPSTREAMS.session.localPort, metrics: 9473 },
    event: { grpc: UPSTREAMS.event.localPort, metrics: 9474 },
    aggregation: { grpc: UPSTREAMS.aggregation.localPort, metrics: 9475 },
    realtime: {
      grpc: UPSTREAMS.realtime.localPort,
      metrics: 9476,
      ws: UPSTREAMS.realtimeWebsocket.localPort,
    },
    // Envoy reaches the Adapter over HTTP only; its gRPC port serves the health check.
    adapter: { grpc: 50057, metrics: 9477, http: UPSTREAMS.adapter.localPort },
  },
};

/**
 * The block layout of `--port-base N`: Envoy N, Envoy admin N+1, PostgreSQL N+2, NATS N+3,
 * Redis N+4, service gRPC N+10.., Realtime WS N+20, Adapter HTTP N+21, metrics N+30...
 */
export function portBlock(base: number): StackPorts {
  const problem = portBaseProblem(base);
  if (problem) throw new RangeError(problem);

  return {
    envoy: base,
    envoyAdmin: base + 1,
    postgres: base + 2,
    nats: base + 3,
    redis: base + 4,
    services: servicePorts((index) => ({ grpc: base + 10 + index, metrics: base + 30 + index }), {
      ws: base + 20,
      http: base + 21,
    }),
  };
}

/** Free loopback ports for every listener of one stack. */
export async function freePorts(): Promise<StackPorts> {
  const grpc = await takeFree(SERVICE_NAMES.length);
  const metrics = await takeFree(SERVICE_NAMES.length);
  const [postgres, nats, redis, envoy, envoyAdmin, ws, http] = await takeFree(7);

  return {
    postgres,
    nats,
    redis,
    envoy,
    envoyAdmin,
    services: servicePorts((index) => ({ grpc: grpc[index], metrics: metrics[index] }), {
      ws,
      http,
    }),
  };
}

/** The ports of a choice; fixed ones are checked to be free so a clash fails early. */
export async function planPorts(choice: PortChoice): Promise<StackPorts> {
  if (choice === 'free') return freePorts();

  const ports = choice === 'standard' ? STANDARD_PORTS : portBlock(choice.base);
  const busy = await busyPorts(allPorts(ports));
  if (busy.length > 0) {
    throw new Error(
      `port${busy.length > 1 ? 's' : ''} ${busy.join(', ')} on 127.0.0.1 already in use ` +
        '(another `roomcast up` running?); stop it, or pick another block with --port-base N',
    );
  }
  return ports;
}

/** Every port of a plan, for checks and for tests that compare plans. */
export function allPorts(ports: StackPorts): number[] {
  const services = Object.values(ports.services).flatMap((p) =>
    [p.grpc, p.metrics, p.ws, p.http].filter((port): port is number => port !== undefined),
  );
  return [ports.envoy, ports.envoyAdmin, ports.postgres, ports.nats, ports.redis, ...services];
}

function servicePorts(
  portsAt: (index: number) => ServicePorts,
  extra: { ws: number; http: number },
): Record<ServiceName, ServicePorts> {
  const entries = SERVICE_NAMES.map((name, index) => {
    const ports = portsAt(index);
    if (name === 'realtime') ports.ws = extra.ws;
    if (name === 'adapter') ports.http = extra.http;
    return [name, ports] as const;
  });
  return Object.fromEntries(entries) as Record<ServiceName, ServicePorts>;
}

async function takeFree(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freePort());
  return ports;
}

async function busyPorts(ports: readonly number[]): Promise<number[]> {
  const busy: number[] = [];
  for (const port of ports) {
    if (!(await canListen(port))) busy.push(port);
  }
  return busy;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

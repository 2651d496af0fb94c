/**
 * Prometheus metrics and health endpoints. Metrics are derived from the typed operator events,
 * so what tests observe and what Prometheus scrapes cannot disagree.
 *
 * /metrics   Prometheus text format.
 * /healthz   liveness: the event loop answers. Never tied to NATS, Redis or the Room service.
 * /readyz    readiness: start-up finished and, on the leader, the first list of Rooms arrived.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

import type { OperatorEvent, OperatorEvents } from './operator-events.js';

export class OperatorMetrics {
  readonly registry = new Registry();
  private readonly started = new Map<string, () => void>();

  constructor(events: OperatorEvents, options: { queueDepth: () => number }) {
    this.registry.setDefaultLabels({ service: 'operator' });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];

    const reconciles = new Counter({
      name: 'roomcast_operator_reconciles_total',
      help: 'Room reconciles by result: ready, not_ready, conflict, room_service_unavailable, error.',
      labelNames: ['result'],
      registers,
    });
    const duration = new Histogram({
      name: 'roomcast_operator_reconcile_seconds',
      help: 'How long one Room reconcile took.',
      buckets: [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const watchEnds = new Counter({
      name: 'roomcast_operator_watch_restarts_total',
      help: 'Watches that ended and were restarted, by reason: closed, error, stalled, gone.',
      labelNames: ['reason'],
      registers,
    });
    const leader = new Gauge({
      name: 'roomcast_operator_leader',
      help: '1 while this replica holds the leader Lease.',
      registers,
    });
    const corrections = new Counter({
      name: 'roomcast_operator_stream_corrections_total',
      help: 'Platform JetStream streams created or updated back to their declaration.',
      labelNames: ['stream', 'action'],
      registers,
    });
    const connections = new Gauge({
      name: 'roomcast_operator_realtime_connections',
      help: 'Live Realtime connections at the last autoscaler evaluation.',
      registers,
    });
    const desired = new Gauge({
      name: 'roomcast_operator_realtime_desired_replicas',
      help: 'Realtime replicas the autoscaler decided at its last evaluation.',
      registers,
    });
    const scales = new Counter({
      name: 'roomcast_operator_realtime_scales_total',
      help: 'Times the autoscaler changed the Realtime replicas, by direction.',
      labelNames: ['direction'],
      registers,
    });
    new Gauge({
      name: 'roomcast_operator_queue_depth',
      help: 'Room keys waiting in the work queue.',
      registers,
      collect() {
        this.set(options.queueDepth());
      },
    });

    events.on((event) =>
      this.observe(event, {
        reconciles,
        duration,
        watchEnds,
        leader,
        corrections,
        connections,
        desired,
        scales,
      }),
    );
  }

  private observe(
    event: OperatorEvent,
    m: {
      reconciles: Counter<string>;
      duration: Histogram<string>;
      watchEnds: Counter<string>;
      leader: Gauge<string>;
      corrections: Counter<string>;
      connections: Gauge<string>;
      desired: Gauge<string>;
      scales: Counter<string>;
    },
  ): void {
    switch (event.type) {
      case 'reconcile-started':
        this.started.set(event.key, m.duration.startTimer());
        return;
      case 'reconcile-succeeded':
      case 'reconcile-failed': {
        this.started.get(event.key)?.();
        this.started.delete(event.key);
        const result =
          event.type === 'reconcile-failed'
            ? event.reason.replace(/-/g, '_')
            : event.ready
              ? 'ready'
              : 'not_ready';
        m.reconciles.inc({ result });
        return;
      }
      case 'watch-ended':
        m.watchEnds.inc({ reason: event.reason });
        return;
      case 'leader-acquired':
      case 'leader-lost':
        m.leader.set(event.type === 'leader-acquired' ? 1 : 0);
        return;
      case 'stream-corrected':
        m.corrections.inc({ stream: event.stream, action: event.action });
        return;
      case 'autoscale-evaluated':
        m.connections.set(event.totalConnections);
        m.desired.set(event.desiredReplicas);
        return;
      case 'autoscale-scaled':
        m.scales.inc({ direction: event.to > event.from ? 'up' : 'down' });
        return;
      default:
        return;
    }
  }
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** Serves /metrics (when given a registry), /healthz and /readyz on host:port. */
export async function startHealthServer(options: {
  host: string;
  port: number;
  registry?: Registry;
  ready: () => boolean;
}): Promise<HealthServer> {
  const server = http.createServer((request, response) => {
    const path = request.url?.split('?')[0];
    if (path === '/healthz') return void response.writeHead(200).end('ok\n');
    if (path === '/readyz') {
      const ready = options.ready();
      return void response.writeHead(ready ? 200 : 503).end(ready ? 'ok\n' : 'not ready\n');
    }
    if (path === '/metrics' && options.registry) {
      const registry = options.registry;
      registry.metrics().then(
        (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
        () => response.writeHead(500).end(),
      );
      return;
    }
    response.writeHead(404).end('not found\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One service's Prometheus registry and the metrics every service has. */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly calls: Histogram<'method' | 'code'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.calls = new Histogram({
      name: 'roomcast_grpc_server_call_seconds',
      help: 'gRPC calls served, by method and status code.',
      labelNames: ['method', 'code'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [this.registry],
    });
  }

  /** Starts timing a call; the returned function records it with its outcome. */
  startCall(method: string): (code: string) => void {
    const end = this.calls.startTimer({ method });
    return (code) => end({ code });
  }

  counter(name: string, help: string, labelNames: string[] = []): Counter<string> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }
}

/**
 * Serves /metrics for Prometheus and /livez for the liveness probe. Liveness says only that the
 * process's event loop answers: it never depends on PostgreSQL, NATS or Redis.
 */
export async function startMetricsServer(
  metrics: ServiceMetrics,
  options: { host: string; port: number },
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    if (request.url === '/livez') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    if (request.url !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.registry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
      () => response.writeHead(500).end(),
    );
  });

  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

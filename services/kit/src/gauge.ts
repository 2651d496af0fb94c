import { Gauge } from 'prom-client';
import type { ServiceMetrics } from './metrics.js';

export type { Gauge };

/** A gauge in the service's registry, for values that go up and down (open connections). */
export function registerGauge(
  metrics: ServiceMetrics,
  options: { name: string; help: string; labelNames?: string[] },
): Gauge<string> {
  return new Gauge({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames ?? [],
    registers: [metrics.registry],
  });
}

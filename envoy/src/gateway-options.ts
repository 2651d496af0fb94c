/**
 * What a caller can choose about the gateway, and the two presets that fill in the rest: `local`
 * (everything on this machine's loopback) and `kubernetes` (the Helm chart's Services).
 */
import { DESCRIPTOR_SET_PATH } from '@roomcast/proto';
import { UPSTREAMS, type UpstreamName } from './route-table.js';

export type GatewayPreset = 'local' | 'kubernetes';

export interface HostPort {
  host: string;
  port: number;
}

/**
 * The chart renders files/envoy.yaml through Helm's `tpl`, so the kubernetes preset names each
 * Service the way the chart does, `<release fullname>-<service>` (`roomcast-user` for a release
 * called roomcast), and Helm fills in the release at install time.
 */
export const KUBERNETES_SERVICE_PREFIX = '{{ include "roomcast.fullname" . }}';

export interface GatewayOptions {
  /** Which defaults to start from. Default: `local`. */
  preset?: GatewayPreset;
  /** The public listener. Default: 127.0.0.1:8080 (local), 0.0.0.0:8080 (kubernetes). */
  listener?: Partial<HostPort>;
  /** Envoy's admin interface. Default: 127.0.0.1:9901 (local), 0.0.0.0:9901 (kubernetes). */
  admin?: Partial<HostPort>;
  /**
   * Where each upstream listens. Default: 127.0.0.1 and the port in `UPSTREAMS` (local), or the
   * chart's Service name and in-cluster port (kubernetes).
   */
  upstreams?: Partial<Record<UpstreamName, HostPort>>;
  /** The binary FileDescriptorSet the transcoder reads. Default: `@roomcast/proto`'s. */
  descriptorSetPath?: string;
  /** Longest a unary REST call may take, end to end. Default: 15 000 ms (Envoy's own default). */
  routeTimeoutMs?: number;
  /** A request or response stream with no bytes either way for this long is reset. Default: 300 000 ms. */
  streamIdleTimeoutMs?: number;
  /**
   * A WebSocket with no bytes either way for this long is closed. Realtime pings every 15 s, so
   * a live socket never gets near it. Default: 60 000 ms.
   */
  websocketIdleTimeoutMs?: number;
  /** Largest request body accepted (REST and webhooks); larger is a JSON 413. Default: 1 MiB. */
  maxRequestBodyBytes?: number;
  /**
   * Browser origins allowed to call the API cross-origin; `*` allows any. Default: `*` (local,
   * where only this machine can reach the listener), none (kubernetes).
   */
  corsAllowedOrigins?: string[];
  /** Active health checks on every cluster (gRPC health for gRPC upstreams). Default: false. */
  healthChecks?: boolean;
}

/** GatewayOptions with every default filled in. */
export interface ResolvedGatewayOptions {
  preset: GatewayPreset;
  listener: HostPort;
  admin: HostPort;
  upstreams: Record<UpstreamName, HostPort>;
  descriptorSetPath: string;
  routeTimeoutMs: number;
  streamIdleTimeoutMs: number;
  websocketIdleTimeoutMs: number;
  maxRequestBodyBytes: number;
  corsAllowedOrigins: string[];
  healthChecks: boolean;
}

/** Fills in the preset's defaults and refuses values Envoy could not use. */
export function resolveGatewayOptions(options: GatewayOptions = {}): ResolvedGatewayOptions {
  const preset = options.preset ?? 'local';
  const bindHost = preset === 'local' ? '127.0.0.1' : '0.0.0.0';
  const resolved: ResolvedGatewayOptions = {
    preset,
    listener: { host: bindHost, port: 8080, ...options.listener },
    admin: { host: bindHost, port: 9901, ...options.admin },
    upstreams: upstreamAddresses(preset, options.upstreams ?? {}),
    descriptorSetPath: options.descriptorSetPath ?? DESCRIPTOR_SET_PATH,
    routeTimeoutMs: options.routeTimeoutMs ?? 15_000,
    streamIdleTimeoutMs: options.streamIdleTimeoutMs ?? 300_000,
    websocketIdleTimeoutMs: options.websocketIdleTimeoutMs ?? 60_000,
    maxRequestBodyBytes: options.maxRequestBodyBytes ?? 1024 * 1024,
    corsAllowedOrigins: options.corsAllowedOrigins ?? (preset === 'local' ? ['*'] : []),
    healthChecks: options.healthChecks ?? false,
  };

  checkResolved(resolved);
  return resolved;
}

function upstreamAddresses(
  preset: GatewayPreset,
  overrides: Partial<Record<UpstreamName, HostPort>>,
): Record<UpstreamName, HostPort> {
  const entries = Object.entries(UPSTREAMS).map(([name, spec]) => {
    const fallback =
      preset === 'local'
        ? { host: '127.0.0.1', port: spec.localPort }
        : {
            host: `${KUBERNETES_SERVICE_PREFIX}-${spec.kubernetesService}`,
            port: spec.kubernetesPort,
          };
    return [name, overrides[name as UpstreamName] ?? fallback];
  });
  return Object.fromEntries(entries) as Record<UpstreamName, HostPort>;
}

function checkResolved(options: ResolvedGatewayOptions): void {
  const ports: Array<[string, number]> = [
    ['listener', options.listener.port],
    ['admin', options.admin.port],
    ...Object.entries(options.upstreams).map(([name, { port }]): [string, number] => [
      `upstreams.${name}`,
      port,
    ]),
  ];
  for (const [name, port] of ports) {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new RangeError(`gateway option ${name}: port ${port} is not between 1 and 65535`);
    }
  }

  const positive = [
    'routeTimeoutMs',
    'streamIdleTimeoutMs',
    'websocketIdleTimeoutMs',
    'maxRequestBodyBytes',
  ] as const;
  for (const name of positive) {
    const value = options[name];
    if (!Number.isInteger(value) || value <= 0) {
      throw new RangeError(`gateway option ${name}: ${value} is not a positive whole number`);
    }
  }
}

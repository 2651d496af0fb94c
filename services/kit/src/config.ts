/**
 * Reads a service's configuration from the environment once, at start-up. A missing or bad
 * value throws a ConfigError that names the variable, so the process stops with a clear message.
 */

export class ConfigError extends Error {
  readonly variable: string;

  constructor(variable: string, problem: string) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

type Env = Record<string, string | undefined>;

export interface IntOptions {
  default?: number;
  min?: number;
  max?: number;
}

/** A typed view of environment variables; every getter validates and names what is wrong. */
export class EnvReader {
  constructor(private readonly env: Env = process.env) {}

  /** A required string, or the default when one is given. */
  string(name: string, fallback?: string): string {
    const value = this.env[name]?.trim();
    if (value) return value;
    if (fallback !== undefined) return fallback;
    throw new ConfigError(name, 'is required but not set');
  }

  /** A whole number within [min, max]. */
  int(name: string, options: IntOptions = {}): number {
    const raw = this.env[name]?.trim();
    if (!raw) {
      if (options.default !== undefined) return options.default;
      throw new ConfigError(name, 'is required but not set');
    }

    if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
    const value = Number(raw);
    if (options.min !== undefined && value < options.min) {
      throw new ConfigError(name, `must be at least ${options.min}, got ${value}`);
    }
    if (options.max !== undefined && value > options.max) {
      throw new ConfigError(name, `must be at most ${options.max}, got ${value}`);
    }
    return value;
  }

  /** A TCP port, 0 to 65535 (0 lets the system pick one). */
  port(name: string, fallback: number): number {
    return this.int(name, { default: fallback, min: 0, max: 65535 });
  }

  /** A URL whose scheme is one of `schemes`. */
  url(name: string, schemes: string[], fallback?: string): string {
    const value = this.string(name, fallback);
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new ConfigError(name, `must be a URL, got "${value}"`);
    }
    if (!schemes.includes(parsed.protocol.replace(/:$/, ''))) {
      throw new ConfigError(name, `must use ${schemes.join(' or ')}, got "${parsed.protocol}"`);
    }
    return value;
  }

  /** A gRPC target in host:port form. */
  address(name: string, fallback?: string): string {
    const value = this.string(name, fallback);
    if (!/^[\w.-]+:\d{1,5}$/.test(value) && !/^\[[\da-f:]+\]:\d{1,5}$/i.test(value)) {
      throw new ConfigError(name, `must be host:port, got "${value}"`);
    }
    return value;
  }

  /** One of a fixed set of words. */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.string(name, fallback);
    if (!(allowed as readonly string[]).includes(value)) {
      throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
    }
    return value as T;
  }
}

/** The settings every Roomcast service reads. */
export interface BaseConfig {
  /** Address the servers bind to; default 127.0.0.1 (the chart sets 0.0.0.0). */
  bindHost: string;
  grpcPort: number;
  metricsPort: number;
  /** How long graceful shutdown waits for in-flight calls; default 10000. */
  shutdownGraceMs: number;
}

export function readBaseConfig(
  env: EnvReader,
  defaults: { grpcPort: number; metricsPort: number },
) {
  const config: BaseConfig = {
    bindHost: env.string('BIND_HOST', '127.0.0.1'),
    grpcPort: env.port('GRPC_PORT', defaults.grpcPort),
    metricsPort: env.port('METRICS_PORT', defaults.metricsPort),
    shutdownGraceMs: env.int('SHUTDOWN_GRACE_MS', { default: 10_000, min: 0, max: 600_000 }),
  };
  return config;
}

import { describe, expect, it } from 'vitest';
import { ConfigError, EnvReader, readBaseConfig } from '../src/index.js';

const reader = (env: Record<string, string>) => new EnvReader(env);

describe('config', () => {
  it('config - uses defaults when variables are unset', () => {
    expect(readBaseConfig(reader({}), { grpcPort: 50051, metricsPort: 9464 })).toEqual({
      bindHost: '127.0.0.1',
      grpcPort: 50051,
      metricsPort: 9464,
      shutdownGraceMs: 10_000,
    });
  });

  it.each([
    [{ GRPC_PORT: 'eighty' }, 'GRPC_PORT must be a whole number, got "eighty"'],
    [{ GRPC_PORT: '70000' }, 'GRPC_PORT must be at most 65535, got 70000'],
    [{ SHUTDOWN_GRACE_MS: '-1' }, 'SHUTDOWN_GRACE_MS must be at least 0, got -1'],
  ])('config - stops on %o naming the variable', (env, message) => {
    const read = () => readBaseConfig(reader(env), { grpcPort: 1, metricsPort: 2 });

    expect(read).toThrow(ConfigError);
    expect(read).toThrow(message);
  });

  it('config - refuses a URL with the wrong scheme', () => {
    const read = () => reader({ DATABASE_URL: 'mysql://x' }).url('DATABASE_URL', ['postgres']);

    expect(read).toThrow('DATABASE_URL must use postgres, got "mysql:"');
  });

  it('config - refuses a missing required variable', () => {
    expect(() => reader({}).string('NATS_URL')).toThrow('NATS_URL is required but not set');
  });

  it('config - accepts host:port addresses and refuses anything else', () => {
    expect(reader({ A: 'room:50051' }).address('A')).toBe('room:50051');
    expect(() => reader({ A: 'http://room' }).address('A')).toThrow('A must be host:port');
  });
});

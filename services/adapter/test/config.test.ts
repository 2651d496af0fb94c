import { describe, expect, it } from 'vitest';
import { EnvReader } from '@roomcast/kit';
import { readAdapterConfig } from '../src/config.js';

const env = (values: Record<string, string>) =>
  new EnvReader({
    REDIS_URL: 'redis://127.0.0.1:6379',
    NATS_URL: 'nats://127.0.0.1:4222',
    SESSION_SERVICE_ADDR: '127.0.0.1:50053',
    ...values,
  });

describe('adapter config', () => {
  it('adapter config - reads defaults for the webhook port, window and replay TTL', () => {
    const config = readAdapterConfig(env({ ADAPTER_WEBHOOK_SECRET: 'a-long-enough-secret' }));
    expect(config).toMatchObject({
      httpPort: 8082,
      timestampToleranceS: 300,
      replayTtlS: 86_400,
      sessionServiceAddr: '127.0.0.1:50053',
      sessionCacheMs: 5_000,
      sessionDeadlineMs: 3_000,
    });
  });

  it('adapter config - stops without the Session service address, naming the variable', () => {
    const secret = { ADAPTER_WEBHOOK_SECRET: 'a-long-enough-secret' };
    expect(() => readAdapterConfig(env({ ...secret, SESSION_SERVICE_ADDR: '' }))).toThrow(
      /SESSION_SERVICE_ADDR/,
    );
  });

  it('adapter config - stops on a missing or short secret, naming the variable', () => {
    expect(() => readAdapterConfig(env({}))).toThrow(/ADAPTER_WEBHOOK_SECRET is required/);
    expect(() => readAdapterConfig(env({ ADAPTER_WEBHOOK_SECRET: 'short' }))).toThrow(
      'ADAPTER_WEBHOOK_SECRET must be at least 16 characters, got 5',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { EnvReader } from '@roomcast/kit';
import { readRealtimeConfig } from '../src/config.js';

const env = (values: Record<string, string>) =>
  new EnvReader({
    REDIS_URL: 'redis://127.0.0.1:6379',
    NATS_URL: 'nats://127.0.0.1:4222',
    SESSION_SERVICE_ADDR: '127.0.0.1:50053',
    EVENT_SERVICE_ADDR: '127.0.0.1:50054',
    ...values,
  });

describe('realtime config', () => {
  it('realtime config - reads the documented defaults and takes POD_NAME as the instance id', () => {
    const config = readRealtimeConfig(env({ POD_NAME: 'roomcast-realtime-0' }));
    expect(config).toMatchObject({
      wsPort: 8081,
      grpcPort: 50056,
      pingIntervalMs: 15_000,
      maxBufferedBytes: 1 << 20,
      windowEvents: 1000,
      instanceId: 'roomcast-realtime-0',
    });
    expect(readRealtimeConfig(env({})).instanceId).toMatch(/-\d+$/);
  });

  it('realtime config - stops on a bad value, naming the variable', () => {
    expect(() => readRealtimeConfig(env({ PING_INTERVAL_MS: 'soon' }))).toThrow(
      'PING_INTERVAL_MS must be a whole number, got "soon"',
    );
    expect(() => readRealtimeConfig(env({ EVENT_SERVICE_ADDR: 'event' }))).toThrow(
      /EVENT_SERVICE_ADDR must be host:port/,
    );
  });
});

import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { UPSTREAMS } from '@roomcast/envoy';
import {
  allPorts,
  freePorts,
  planPorts,
  portBlock,
  PORT_BLOCK_SIZE,
  STANDARD_PORTS,
} from '../src/stack/port-plan.js';
import { SERVICE_NAMES, serviceEnv } from '../src/stack/service-catalog.js';

function distinct(ports: number[]): boolean {
  return new Set(ports).size === ports.length;
}

describe('port plan', () => {
  it('ports - the standard plan gives every listener its own port, Envoy on 8080', () => {
    const ports = allPorts(STANDARD_PORTS);

    expect(distinct(ports)).toBe(true);
    expect(STANDARD_PORTS.envoy).toBe(8080);
    expect(ports).toHaveLength(5 + 2 * SERVICE_NAMES.length + 2);
  });

  it('ports - the standard plan matches the local ports of the gateway route table', () => {
    const { services } = STANDARD_PORTS;

    expect(services.session.grpc).toBe(UPSTREAMS.session.localPort);
    expect(services.realtime.ws).toBe(UPSTREAMS.realtimeWebsocket.localPort);
    expect(services.adapter.http).toBe(UPSTREAMS.adapter.localPort);
  });

  it('ports - a port block stays inside [base, base + PORT_BLOCK_SIZE)', () => {
    const ports = allPorts(portBlock(20_000));

    expect(distinct(ports)).toBe(true);
    expect(Math.min(...ports)).toBe(20_000);
    expect(Math.max(...ports)).toBeLessThan(20_000 + PORT_BLOCK_SIZE);
    expect(portBlock(20_000).envoy).toBe(20_000);
  });

  it('ports - a port block past 65535 or below 1024 is refused', () => {
    expect(() => portBlock(65_530)).toThrow(/from 1024 to/);
    expect(() => portBlock(80)).toThrow(/got 80/);
  });

  it('ports - free ports are all different', async () => {
    expect(distinct(allPorts(await freePorts()))).toBe(true);
  });

  it('ports - a fixed plan with a port in use is refused, naming the port', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const address = server.address();
    const busy = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(planPorts({ base: busy })).rejects.toThrow(`${busy}`);
    } finally {
      server.close();
    }
  });
});

describe('service environment', () => {
  const inputs = {
    databaseUrl: 'postgres://roomcast:roomcast@127.0.0.1:1/roomcast',
    natsUrl: 'nats://127.0.0.1:2',
    redisUrl: 'redis://127.0.0.1:3',
    ports: STANDARD_PORTS.services,
    adapterWebhookSecret: 'shh',
    logLevel: 'warn',
  };

  it('env - every service gets the infrastructure, its own ports and its callees', () => {
    const env = serviceEnv('session', inputs);

    expect(env).toMatchObject({
      DATABASE_URL: inputs.databaseUrl,
      NATS_URL: inputs.natsUrl,
      REDIS_URL: inputs.redisUrl,
      BIND_HOST: '127.0.0.1',
      GRPC_PORT: String(STANDARD_PORTS.services.session.grpc),
      METRICS_PORT: String(STANDARD_PORTS.services.session.metrics),
      ROOM_SERVICE_ADDR: `127.0.0.1:${STANDARD_PORTS.services.room.grpc}`,
      LOG_LEVEL: 'warn',
    });
  });

  it('env - the secret goes to the Adapter alone, WS_PORT and HTTP_PORT to their owners', () => {
    for (const name of SERVICE_NAMES) {
      const env = serviceEnv(name, inputs);
      expect('ADAPTER_WEBHOOK_SECRET' in env, name).toBe(name === 'adapter');
      expect('WS_PORT' in env, name).toBe(name === 'realtime');
      expect('HTTP_PORT' in env, name).toBe(name === 'adapter');
    }
    expect(serviceEnv('adapter', inputs).ADAPTER_WEBHOOK_SECRET).toBe('shh');
  });
});

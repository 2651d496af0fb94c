import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { locateBinary, MissingBinaryError, overrideVariable } from '../src/index.js';

describe('binaries', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('names the override variable of each binary', () => {
    expect(overrideVariable('envoy')).toBe('ROOMCAST_ENVOY_BIN');
    expect(overrideVariable('nats-server')).toBe('ROOMCAST_NATS_SERVER_BIN');
    expect(overrideVariable('pg_ctl')).toBe('ROOMCAST_PG_CTL_BIN');
  });

  it('prefers an override that points at an executable', () => {
    vi.stubEnv('ROOMCAST_REDIS_SERVER_BIN', '/bin/true');

    expect(locateBinary('redis-server')).toBe('/bin/true');
  });

  it('refuses an override that points at nothing, naming the variable', () => {
    vi.stubEnv('ROOMCAST_ENVOY_BIN', '/nonexistent/envoy');

    expect(() => locateBinary('envoy')).toThrow(MissingBinaryError);
    expect(() => locateBinary('envoy')).toThrow(/ROOMCAST_ENVOY_BIN=\/nonexistent\/envoy/);
  });

  it('tells how to install a binary found nowhere', async () => {
    const emptyCache = await mkdtemp(join(tmpdir(), 'roomcast-cache-test-'));
    try {
      vi.stubEnv('ROOMCAST_CACHE', emptyCache);
      vi.stubEnv('PATH', '');

      expect(() => locateBinary('nats-server')).toThrow(/nats-server was not found/);
      expect(() => locateBinary('nats-server')).toThrow(/bash tools\/install-servers\.sh/);
    } finally {
      await rm(emptyCache, { recursive: true, force: true });
    }
  });

  it("finds PostgreSQL in Debian's versioned directory when it is not on the PATH", () => {
    vi.stubEnv('PATH', '');

    expect(locateBinary('postgres')).toMatch(/^\/usr\/lib\/postgresql\/\d+\/bin\/postgres$/);
  });
});

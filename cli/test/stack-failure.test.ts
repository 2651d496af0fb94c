import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServiceStartError, startStack, type StackEvent } from '../src/index.js';
import { descendantsOf, isAlive } from './process-tree.js';

describe('local stack launcher, when a service cannot start', () => {
  it('stack - names the failing service, quotes its log, and stops what had started', async () => {
    const earlier = descendantsOf(process.pid);
    const seen: number[] = [];
    const events: StackEvent[] = [];
    const onEvent = (event: StackEvent): void => {
      events.push(event);
      // Whatever runs once the first server is up is a child this start must not leave behind.
      seen.push(...descendantsOf(process.pid).filter((pid) => !earlier.includes(pid)));
    };

    // pino refuses an unknown level, so the service dies during start-up.
    const starting = startStack({ services: ['user', 'room'], logLevel: 'loudest', onEvent });

    const error: unknown = await starting.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServiceStartError);
    expect((error as ServiceStartError).service).toBe('user');
    expect((error as Error).message).toMatch(/user exited before it was healthy \(exit code \d+\)/);
    expect((error as Error).message).toMatch(/last lines of .*user\.log:\n[\s\S]*loudest/);
    const logPath = /last lines of (\S+):/.exec((error as Error).message)?.[1] ?? '';
    expect(readFileSync(logPath, 'utf8')).toContain('loudest');
    await rm(dirname(dirname(logPath)), { recursive: true });

    expect(events.some((e) => e.kind === 'service-starting' && e.name === 'room')).toBe(false);
    expect(events.some((e) => e.kind === 'server-started' && e.name === 'envoy')).toBe(false);
    const stopped = events.flatMap((e) => (e.kind === 'server-stopped' ? [e.name] : []));
    expect(stopped).toEqual(['redis', 'nats', 'postgres']);
    expect(seen.length).toBeGreaterThan(0);
    expect([...new Set(seen)].filter(isAlive)).toEqual([]);
  });
});

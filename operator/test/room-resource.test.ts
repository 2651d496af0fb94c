import { describe, expect, it } from 'vitest';

import { applyConditions, readyCondition } from '../src/conditions.js';
import { keyOf, parseDurationMs, parseKey, slugFor } from '../src/room-resource.js';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$/;

describe('room resource names', () => {
  it('slug - is namespace-name when that fits', () => {
    expect(slugFor('team-a', 'lobby')).toBe('team-a-lobby');
  });

  it('slug - a long namespace and name are cut to 63 characters with a stable hash', () => {
    const namespace = 'n'.repeat(40);
    const slug = slugFor(namespace, `${'x'.repeat(40)}-one`);

    expect(slug).toHaveLength(63);
    expect(slug).toMatch(SLUG);
    expect(slugFor(namespace, `${'x'.repeat(40)}-one`)).toBe(slug);
    expect(slugFor(namespace, `${'x'.repeat(40)}-two`)).not.toBe(slug);
  });

  it('slug - a cut that ends on a dash does not leave two dashes before the hash', () => {
    const slug = slugFor('a'.repeat(53), 'room-of-many-words');

    expect(slug).toMatch(/^a{53}-[0-9a-f]{8}$/);
    expect(slug).toMatch(SLUG);
  });

  it('key - round-trips namespace and name', () => {
    const key = keyOf({ metadata: { namespace: 'team-a', name: 'lobby' } });

    expect(key).toBe('team-a/lobby');
    expect(parseKey(key)).toEqual({ namespace: 'team-a', name: 'lobby' });
  });

  it('retention - parses hours, minutes and seconds', () => {
    expect(parseDurationMs('72h')).toBe(72 * 3_600_000);
    expect(parseDurationMs('1h30m')).toBe(90 * 60_000);
    expect(parseDurationMs('90s')).toBe(90_000);
    expect(() => parseDurationMs('3 days')).toThrow(/not a duration/);
  });
});

describe('conditions', () => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  const t1 = new Date('2026-01-01T00:05:00Z');

  it('conditions - keep the transition time while the status stays the same', () => {
    const first = applyConditions(
      [],
      [{ type: 'RoomSynced', status: 'False', reason: 'RoomServiceUnavailable', message: 'down' }],
      { generation: 1, now: t0 },
    );
    const again = applyConditions(
      first,
      [
        {
          type: 'RoomSynced',
          status: 'False',
          reason: 'RoomServiceUnavailable',
          message: 'still down',
        },
      ],
      { generation: 2, now: t1 },
    );
    const fixed = applyConditions(
      again,
      [{ type: 'RoomSynced', status: 'True', reason: 'RoomUpToDate', message: 'ok' }],
      { generation: 2, now: t1 },
    );

    expect(again[0]).toMatchObject({
      lastTransitionTime: '2026-01-01T00:00:00Z',
      observedGeneration: 2,
    });
    expect(fixed[0]).toMatchObject({ status: 'True', lastTransitionTime: '2026-01-01T00:05:00Z' });
  });

  it('conditions - Ready carries the first failing condition', () => {
    const ready = readyCondition([
      { type: 'RoomSynced', status: 'False', reason: 'RoomServiceUnavailable', message: 'down' },
      { type: 'StreamReady', status: 'Unknown', reason: 'WaitingForRoom', message: 'waiting' },
    ]);

    expect(ready).toEqual({
      type: 'Ready',
      status: 'False',
      reason: 'RoomServiceUnavailable',
      message: 'down',
    });
    expect(
      readyCondition([{ type: 'RoomSynced', status: 'True', reason: 'A', message: '' }]).status,
    ).toBe('True');
  });
});

import { describe, expect, it } from 'vitest';

import { decideScale, type Recommendation, type ScalePolicy } from '../src/scale-policy.js';

const policy: ScalePolicy = {
  targetConnectionsPerPod: 100,
  minReplicas: 2,
  maxReplicas: 10,
  scaleDownStabilizationMs: 60_000,
};

/** Runs the policy over a series of (time, connections) readings, as the autoscaler would. */
function run(readings: Array<[atMs: number, connections: number]>, startReplicas: number) {
  let replicas = startReplicas;
  let history: Recommendation[] = [];
  const trace: number[] = [];
  for (const [nowMs, totalConnections] of readings) {
    const decision = decideScale(policy, {
      nowMs,
      totalConnections,
      currentReplicas: replicas,
      history,
    });
    history = decision.history;
    replicas = decision.desired;
    trace.push(replicas);
  }
  return trace;
}

describe('scale policy', () => {
  it('scale policy - asks for ceil(connections / target per pod)', () => {
    const decision = decideScale(policy, {
      nowMs: 0,
      totalConnections: 501,
      currentReplicas: 2,
      history: [],
    });

    expect(decision).toMatchObject({ recommended: 6, desired: 6, direction: 'up' });
    expect(decision.reason).toContain('501 connections at 100 per pod ask for 6');
  });

  it('scale policy - stays within min and max', () => {
    const idle = decideScale(policy, {
      nowMs: 0,
      totalConnections: 0,
      currentReplicas: 2,
      history: [],
    });
    const flood = decideScale(policy, {
      nowMs: 0,
      totalConnections: 1_000_000,
      currentReplicas: 2,
      history: [],
    });

    expect(idle.desired).toBe(2);
    expect(flood.desired).toBe(10);
  });

  it('scale policy - scales up at once', () => {
    expect(run([[0, 950]], 2)).toEqual([10]);
  });

  it('scale policy - scales down only after the stabilization window has passed', () => {
    const trace = run(
      [
        [0, 800],
        [10_000, 100],
        [30_000, 100],
        [59_000, 100],
        [60_001, 100],
      ],
      2,
    );

    expect(trace).toEqual([8, 8, 8, 8, 2]);
  });

  it('scale policy - scales down to the highest recommendation of the window, not the lowest', () => {
    const trace = run(
      [
        [0, 1_000],
        [20_000, 500],
        [40_000, 200],
        [60_001, 200],
        [80_001, 200],
      ],
      2,
    );

    expect(trace).toEqual([10, 10, 10, 5, 2]);
  });

  it('scale policy - a rebound within the window cancels the pending scale-down', () => {
    const trace = run(
      [
        [0, 600],
        [30_000, 100],
        [50_000, 600],
        [90_000, 100],
        [110_001, 100],
      ],
      2,
    );

    expect(trace).toEqual([6, 6, 6, 6, 2]);
  });

  it('scale policy - a replica count above the maximum comes down without waiting', () => {
    const decision = decideScale(policy, {
      nowMs: 0,
      totalConnections: 5_000,
      currentReplicas: 15,
      history: [],
    });

    expect(decision).toMatchObject({ desired: 10, direction: 'down' });
  });

  it('scale policy - with no stabilization window it follows the load both ways', () => {
    const eager = { ...policy, scaleDownStabilizationMs: 0 };
    const decision = decideScale(eager, {
      nowMs: 1_000,
      totalConnections: 250,
      currentReplicas: 9,
      history: [{ atMs: 999, replicas: 9 }],
    });

    expect(decision.desired).toBe(3);
  });

  it('scale policy - forgets recommendations older than the window', () => {
    const decision = decideScale(policy, {
      nowMs: 100_000,
      totalConnections: 200,
      currentReplicas: 4,
      history: [
        { atMs: 10_000, replicas: 9 },
        { atMs: 50_000, replicas: 4 },
      ],
    });

    expect(decision.history).toEqual([
      { atMs: 50_000, replicas: 4 },
      { atMs: 100_000, replicas: 2 },
    ]);
    expect(decision.desired).toBe(4);
  });
});

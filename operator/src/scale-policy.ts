/**
 * The Realtime scaling policy, as a pure function: no clock, no I/O, so every rule is a unit
 * test. Desired replicas = ceil(total connections / target per pod), within [min, max].
 * Scaling up happens at once; scaling down only to the highest recommendation of the
 * stabilization window, so a dip in traffic does not remove pods that a rebound needs again
 * (the rule of the HorizontalPodAutoscaler's scale-down stabilization).
 */

/** The policy's settings. */
export interface ScalePolicy {
  targetConnectionsPerPod: number;
  minReplicas: number;
  maxReplicas: number;
  scaleDownStabilizationMs: number;
}

/** One past recommendation, kept for the stabilization window. */
export interface Recommendation {
  atMs: number;
  replicas: number;
}

export interface ScaleInput {
  nowMs: number;
  totalConnections: number;
  currentReplicas: number;
  /** Recommendations so far, oldest first; the result carries the pruned, extended list. */
  history: readonly Recommendation[];
}

export interface ScaleDecision {
  /** What the connections alone ask for, within [min, max]. */
  recommended: number;
  /** What the Deployment should have now. */
  desired: number;
  direction: 'up' | 'down' | 'none';
  /** A sentence for the status and the Event. */
  reason: string;
  /** The window to pass in next time. */
  history: Recommendation[];
}

/** Decides the replica count for one evaluation. */
export function decideScale(policy: ScalePolicy, input: ScaleInput): ScaleDecision {
  const { nowMs, totalConnections, currentReplicas } = input;
  const target = Math.max(1, policy.targetConnectionsPerPod);
  const needed = Math.ceil(Math.max(0, totalConnections) / target);
  const recommended = clamp(needed, policy.minReplicas, policy.maxReplicas);

  const windowStart = nowMs - policy.scaleDownStabilizationMs;
  const history = [
    ...input.history.filter((entry) => entry.atMs > windowStart && entry.atMs <= nowMs),
    { atMs: nowMs, replicas: recommended },
  ];
  const load = `${totalConnections} connections at ${target} per pod ask for ${recommended}`;

  if (recommended > currentReplicas) {
    return { recommended, desired: recommended, direction: 'up', reason: `${load}`, history };
  }
  if (recommended === currentReplicas) {
    return { recommended, desired: currentReplicas, direction: 'none', reason: load, history };
  }

  // Outside [min, max] the bounds win at once: a narrowed range is obeyed without waiting.
  const stabilized = Math.max(...history.map((entry) => entry.replicas));
  const desired = Math.min(
    currentReplicas,
    clamp(stabilized, policy.minReplicas, policy.maxReplicas),
  );
  if (currentReplicas > policy.maxReplicas) {
    return {
      recommended,
      desired,
      direction: 'down',
      reason: `${load}; above the maximum`,
      history,
    };
  }
  if (desired >= currentReplicas) {
    const waitReason = `${load}; holding ${currentReplicas}, the highest recommendation of the stabilization window`;
    return {
      recommended,
      desired: currentReplicas,
      direction: 'none',
      reason: waitReason,
      history,
    };
  }
  return {
    recommended,
    desired,
    direction: 'down',
    reason: `${load}; stabilized at ${desired}`,
    history,
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

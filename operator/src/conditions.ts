/**
 * Status conditions the Kubernetes way: one entry per type, lastTransitionTime moves only when
 * the status changes, and Ready sums up the finer conditions.
 */
import type { Condition, ConditionStatus } from './room-resource.js';

export const READY = 'Ready';
export const ROOM_SYNCED = 'RoomSynced';
export const STREAM_READY = 'StreamReady';

/** A condition as a reconcile decides it, before times are filled in. */
export interface ConditionUpdate {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/**
 * The conditions after applying `updates` for `generation`: an update whose status did not
 * change keeps the old lastTransitionTime; conditions not updated are kept as they were.
 */
export function applyConditions(
  current: readonly Condition[] | undefined,
  updates: readonly ConditionUpdate[],
  options: { generation: number | undefined; now: Date },
): Condition[] {
  const result = [...(current ?? [])];
  for (const update of updates) {
    const index = result.findIndex((condition) => condition.type === update.type);
    const previous = index === -1 ? undefined : result[index];
    const next: Condition = {
      ...update,
      observedGeneration: options.generation,
      lastTransitionTime:
        previous && previous.status === update.status
          ? previous.lastTransitionTime
          : options.now.toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    if (index === -1) result.push(next);
    else result[index] = next;
  }
  return result;
}

/** Ready is True only when every finer condition is; otherwise it carries the first failure. */
export function readyCondition(parts: readonly ConditionUpdate[]): ConditionUpdate {
  const failing = parts.find((part) => part.status !== 'True');
  if (!failing) {
    return { type: READY, status: 'True', reason: 'Reconciled', message: 'room is ready' };
  }
  return { type: READY, status: failing.status, reason: failing.reason, message: failing.message };
}

/** The condition of `type`, if present. */
export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}

/**
 * The Room custom resource as the operator reads and writes it (charts/roomcast/crds), and the
 * names derived from it: its queue key and its slug in the Room service.
 */
import { createHash } from 'node:crypto';

export const ROOM_GROUP = 'roomcast.dev';
export const ROOM_VERSION = 'v1alpha1';
export const ROOM_PLURAL = 'rooms';
export const ROOM_KIND = 'Room';

/** Held on every Room until its room is archived and its stream state removed. */
export const CLEANUP_FINALIZER = 'roomcast.dev/cleanup';
/** Set to "true" to let a Room go without cleanup: the escape hatch of docs/operator.md. */
export const SKIP_CLEANUP_ANNOTATION = 'roomcast.dev/skip-cleanup';

export interface RoomSpec {
  title: string;
  owner: string;
  description?: string;
  visibility?: 'public' | 'unlisted' | 'private';
  viewerLimit?: number;
  tags?: string[];
  chat?: { enabled?: boolean; maxMessageLength?: number; slowModeSeconds?: number };
  history?: { retention?: string; maxEvents?: number };
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export interface RoomStatus {
  observedGeneration?: number;
  roomId?: string;
  liveSessionId?: string;
  viewerCount?: number;
  archived?: boolean;
  conditions?: Condition[];
}

export interface RoomObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    deletionTimestamp?: string;
    finalizers?: string[];
    annotations?: Record<string, string>;
  };
  spec: RoomSpec;
  status?: RoomStatus;
}

/** The work queue key of an object: `namespace/name`. */
export function keyOf(object: { metadata?: { name?: string; namespace?: string } }): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

/** Splits a work queue key back into namespace and name. */
export function parseKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

const MAX_SLUG_LENGTH = 63;
const HASH_LENGTH = 8;

/**
 * The room's slug in the Room service: `<namespace>-<name>`, so equal names in two namespaces
 * never meet. Both parts are DNS labels, so the result is a valid slug; when it is longer than
 * 63 characters it is cut and ends in 8 hex characters of a hash of the whole, which keeps
 * two long names that share a prefix apart and gives one Room the same slug every time.
 */
export function slugFor(namespace: string, name: string): string {
  const full = `${namespace}-${name}`;
  if (full.length <= MAX_SLUG_LENGTH) return full;

  const hash = createHash('sha256').update(full).digest('hex').slice(0, HASH_LENGTH);
  const head = full.slice(0, MAX_SLUG_LENGTH - HASH_LENGTH - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}

const DURATION_PART = /(\d+)(h|m|s)/g;
const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000 } as const;

/** Parses the CRD's history.retention ("72h", "1h30m") into milliseconds. */
export function parseDurationMs(text: string): number {
  if (!/^(\d+(h|m|s))+$/.test(text)) {
    throw new RangeError(`"${text}" is not a duration in hours, minutes and seconds like "1h30m"`);
  }
  let total = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  return total;
}

/** The CRD default, for objects stored before the default existed. */
export const DEFAULT_RETENTION = '72h';

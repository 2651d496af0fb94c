import { Event } from '@roomcast/proto';

/**
 * A stored event as Realtime passes it around: its sequence as a bigint for ordering, and its
 * WebSocket frame encoded once, so fanning out to many sockets does not re-encode it per socket.
 */
export interface StoredEntry {
  readonly sequence: bigint;
  readonly event: Event;
  /** `{"type":"event","event":<proto3 JSON Event>}` */
  readonly frame: string;
  /** Approximate memory the entry holds, for the recent window's byte bound. */
  readonly bytes: number;
}

export function toEntry(event: Event): StoredEntry {
  const frame = JSON.stringify({ type: 'event', event: Event.toJSON(event) });
  // The frame and the decoded event hold about the same data; count both.
  return { sequence: BigInt(event.sequence), event, frame, bytes: 2 * Buffer.byteLength(frame) };
}

/** The largest int64, the bound of every sequence. */
export const MAX_SEQUENCE = 9_223_372_036_854_775_807n;

/** Sort order of entries: ascending sequence. */
export function bySequence(a: StoredEntry, b: StoredEntry): number {
  if (a.sequence === b.sequence) return 0;
  return a.sequence < b.sequence ? -1 : 1;
}

/**
 * Each room's event history policy, kept in JetStream: one entry per room in the KV bucket
 * `roomcast-rooms`, key = the room id, value = the retention and event cap its Room declares.
 * The platform streams are keyed by event type, not by room, so a per-room limit cannot be a
 * stream limit; the entry is the room's stream state that the history's readers and pruners
 * consult (see docs/operator.md). Deleting a Room purges its key's subject from the bucket's
 * stream, so nothing of the room is left there.
 */
import type { KV, NatsConnection } from 'nats';

/** The KV bucket holding one history policy per room. */
export const ROOM_HISTORY_BUCKET = 'roomcast-rooms';

/** What the operator stores for one room. */
export interface RoomHistoryPolicy {
  roomId: string;
  slug: string;
  /** `namespace/name` of the Room resource. */
  resource: string;
  /** As written in the spec, e.g. "72h". */
  retention: string;
  retentionMs: number;
  /** The most events kept, or null for no cap besides retention. */
  maxEvents: number | null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads, writes and removes room history policies. */
export class RoomHistoryStore {
  private bucket: Promise<KV> | undefined;
  private bucketConnection: NatsConnection | undefined;

  constructor(private readonly nc: () => NatsConnection | undefined) {}

  /**
   * Stores `policy` unless the stored one is the same; returns whether it wrote.
   * @throws when NATS is not connected or JetStream refuses.
   */
  async apply(policy: RoomHistoryPolicy): Promise<boolean> {
    const kv = await this.kv();
    const current = await this.read(kv, policy.roomId);
    if (current && JSON.stringify(current) === JSON.stringify(policy)) return false;

    await kv.put(policy.roomId, encoder.encode(JSON.stringify(policy)));
    return true;
  }

  /** The stored policy of `roomId`, if any. */
  async get(roomId: string): Promise<RoomHistoryPolicy | undefined> {
    return this.read(await this.kv(), roomId);
  }

  /** Removes every message of `roomId`'s key from the bucket's stream. */
  async remove(roomId: string): Promise<void> {
    const nc = this.connection();
    await this.kv();
    const jsm = await nc.jetstreamManager();
    await jsm.streams.purge(`KV_${ROOM_HISTORY_BUCKET}`, {
      filter: `$KV.${ROOM_HISTORY_BUCKET}.${roomId}`,
    });
  }

  private async read(kv: KV, roomId: string): Promise<RoomHistoryPolicy | undefined> {
    const entry = await kv.get(roomId);
    if (!entry || entry.operation !== 'PUT') return undefined;
    return JSON.parse(decoder.decode(entry.value)) as RoomHistoryPolicy;
  }

  /** The bucket, created on first use (history 1: only the current policy matters). */
  private kv(): Promise<KV> {
    const nc = this.connection();
    if (!this.bucket || this.bucketConnection !== nc) {
      this.bucketConnection = nc;
      this.bucket = nc.jetstream().views.kv(ROOM_HISTORY_BUCKET, { history: 1 });
      this.bucket.catch(() => (this.bucket = undefined));
    }
    return this.bucket;
  }

  private connection(): NatsConnection {
    const nc = this.nc();
    if (!nc) throw new Error('NATS is not connected');
    return nc;
  }
}

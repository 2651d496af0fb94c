import type { PoolClient } from '@roomcast/kit';
import { Event } from '@roomcast/proto';
import { advancePosition, lockPosition } from './ingest-position.js';
import { parseRawMessage, type RawMessage } from './raw-message.js';

/** A raw message that could not be stored, and why. */
export interface SkippedMessage {
  streamSeq: number;
  subject: string;
  reason: string;
}

/** What one batch did. */
export interface IngestOutcome {
  /** Newly stored events, sequence and store_time set, in stream order. */
  stored: Event[];
  /** Events whose id was stored before (or repeated inside the batch). */
  duplicates: number;
  malformed: SkippedMessage[];
  /** Messages at or below the committed position: another instance stored them first. */
  alreadyCommitted: number;
  /** The committed position after the batch. */
  position: number;
}

/** The batch does not continue where the committed position ends. */
export class StreamGapError extends Error {
  constructor(
    readonly committed: number,
    readonly next: number,
  ) {
    super(`the raw stream resumed at ${next} but the committed position is ${committed}`);
    this.name = 'StreamGapError';
  }
}

interface Candidate {
  event: Event;
  streamSeq: number;
}

/**
 * Stores a batch of raw messages in the caller's transaction. The position row lock makes
 * concurrent instances take turns; whoever comes second skips what the first committed. Each
 * new event gets the next sequences of its session, in stream order, with no gap.
 */
export async function ingestBatch(
  client: PoolClient,
  messages: RawMessage[],
  storeTime: Date,
): Promise<IngestOutcome> {
  const committed = await lockPosition(client);
  const fresh = messages.filter((message) => message.streamSeq > committed);
  const outcome: IngestOutcome = {
    stored: [],
    duplicates: 0,
    malformed: [],
    alreadyCommitted: messages.length - fresh.length,
    position: committed,
  };
  if (fresh.length === 0) return outcome;
  if (fresh[0]!.streamSeq !== committed + 1) {
    throw new StreamGapError(committed, fresh[0]!.streamSeq);
  }

  const candidates = parseBatch(fresh, outcome);
  const known = await storedIds(client, [...candidates.keys()]);
  const accepted = [...candidates.values()].filter(({ event }) => !known.has(event.eventId));
  outcome.duplicates += candidates.size - accepted.length;

  outcome.stored = await assignSequences(client, accepted, storeTime);
  await insertEvents(client, accepted, outcome.stored);

  outcome.position = fresh.at(-1)!.streamSeq;
  await advancePosition(client, outcome.position);
  return outcome;
}

/** Parses messages, recording malformed ones; the first copy of a repeated event id wins. */
function parseBatch(messages: RawMessage[], outcome: IngestOutcome): Map<string, Candidate> {
  const candidates = new Map<string, Candidate>();
  for (const message of messages) {
    const parsed = parseRawMessage(message.data);
    if (parsed.kind === 'malformed') {
      const { streamSeq, subject } = message;
      outcome.malformed.push({ streamSeq, subject, reason: parsed.reason });
    } else if (candidates.has(parsed.event.eventId)) {
      outcome.duplicates += 1;
    } else {
      candidates.set(parsed.event.eventId, { event: parsed.event, streamSeq: message.streamSeq });
    }
  }
  return candidates;
}

async function storedIds(client: PoolClient, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const result = await client.query<{ event_id: string }>(
    'select event_id from events where event_id = any($1::text[])',
    [ids],
  );
  return new Set(result.rows.map((row) => row.event_id));
}

/** Bumps each session's counter by its count in one statement and numbers its events in order. */
async function assignSequences(
  client: PoolClient,
  accepted: Candidate[],
  storeTime: Date,
): Promise<Event[]> {
  if (accepted.length === 0) return [];
  const counts = new Map<string, number>();
  for (const { event } of accepted)
    counts.set(event.sessionId, (counts.get(event.sessionId) ?? 0) + 1);

  const result = await client.query<{ session_id: string; last_sequence: string }>(
    `insert into event_session_sequences (session_id, last_sequence)
       select * from unnest($1::bigint[], $2::bigint[])
     on conflict (session_id) do update
       set last_sequence = event_session_sequences.last_sequence + excluded.last_sequence
     returning session_id, last_sequence`,
    [[...counts.keys()], [...counts.values()]],
  );
  const next = new Map<string, bigint>();
  for (const row of result.rows) {
    next.set(row.session_id, BigInt(row.last_sequence) - BigInt(counts.get(row.session_id)!) + 1n);
  }

  return accepted.map(({ event }) => {
    const sequence = next.get(event.sessionId)!;
    next.set(event.sessionId, sequence + 1n);
    return { ...event, sequence: sequence.toString(), storeTime };
  });
}

async function insertEvents(client: PoolClient, accepted: Candidate[], stored: Event[]) {
  if (stored.length === 0) return;
  const result = await client.query(
    `insert into events (event_id, session_id, sequence, type, stream_seq, store_time, envelope)
       select e, s, q, t, ss, $6, env
       from unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $7::jsonb[])
         as batch(e, s, q, t, ss, env)
     on conflict (event_id) do nothing`,
    [
      stored.map((event) => event.eventId),
      stored.map((event) => event.sessionId),
      stored.map((event) => event.sequence),
      stored.map((event) => event.type),
      accepted.map((candidate) => candidate.streamSeq),
      stored[0]!.storeTime,
      stored.map((event) => JSON.stringify(Event.toJSON(event))),
    ],
  );

  // Under the position lock nobody else inserts, so a conflict here means the sequences just
  // handed out would leave a gap: refuse the whole batch instead.
  if (result.rowCount !== stored.length) {
    throw new Error(`stored ${result.rowCount} of ${stored.length} events: an id was taken`);
  }
}

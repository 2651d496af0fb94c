import { RAW_STREAM } from '@roomcast/kit';

/** The Event service's tables, one migration per entry; never edit an entry once released. */
export const EVENT_MIGRATIONS = [
  // Every stored event. The envelope is the event's proto3 JSON with sequence and store_time
  // set, so reads return it as stored; the columns beside it are what queries filter on.
  `create table events (
     event_id text primary key,
     session_id bigint not null,
     sequence bigint not null,
     type text not null,
     stream_seq bigint not null,
     store_time timestamptz not null,
     envelope jsonb not null,
     published boolean not null default false,
     unique (session_id, sequence)
   )`,
  `create index events_unpublished on events (stream_seq) where not published`,

  // The last sequence handed out per session; bumped by a batch's count in one statement.
  `create table event_session_sequences (
     session_id bigint primary key,
     last_sequence bigint not null
   )`,

  // How far into the raw stream events are stored. Advanced in the same transaction as the
  // events, so it is the consumer's only durable state. stream_created tells a recreated
  // stream (sequences restarting at 1) from the one the position belongs to.
  `create table event_ingest_position (
     stream text primary key,
     position bigint not null,
     stream_created timestamptz
   )`,
  `insert into event_ingest_position (stream, position) values ('${RAW_STREAM}', 0)`,
];

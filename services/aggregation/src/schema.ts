/** The Aggregation service's tables, one migration per entry; never edit one once released. */
export const AGGREGATION_MIGRATIONS = [
  // One row per session: the fold state without its id sets, and what was pushed to Session.
  `create table aggregation_sessions (
     session_id bigint primary key,
     last_sequence bigint not null,
     message_count bigint not null,
     peak_viewers bigint not null,
     unique_chatters bigint not null,
     unique_viewers bigint not null,
     live_since timestamptz,
     last_event_time timestamptz,
     end_time timestamptz,
     final boolean not null,
     update_time timestamptz not null,
     pushed_sequence bigint not null default 0
   )`,
  `create index aggregation_sessions_open on aggregation_sessions (update_time) where not final`,

  // The distinct-id sets, a row per id, so a fold adds only the ids it newly saw.
  `create table aggregation_chatters (
     session_id bigint not null,
     user_id bigint not null,
     primary key (session_id, user_id)
   )`,
  `create table aggregation_viewers (
     session_id bigint not null,
     user_id bigint not null,
     primary key (session_id, user_id)
   )`,
];

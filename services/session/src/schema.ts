/** The Session service's tables, one migration per entry; never edit an entry once released. */
export const SESSION_MIGRATIONS = [
  `create table sessions (
     id bigint generated always as identity primary key,
     room_id bigint not null,
     title text not null,
     state text not null,
     start_time timestamptz not null default now(),
     end_time timestamptz,
     aggregates jsonb,
     update_time timestamptz not null default now()
   )`,
  // The database, not the service, guarantees one session per room that has not ended: two
  // concurrent StartSession calls race on this index and exactly one insert wins.
  `create unique index sessions_one_open_per_room on sessions (room_id)
     where state <> 'STREAM_STATE_ENDED'`,
  `create index sessions_by_room on sessions (room_id, id desc)`,
];

/** The Room service's tables, one migration per entry; never edit an entry once released. */
export const ROOM_MIGRATIONS = [
  `create table rooms (
     id bigint generated always as identity primary key,
     slug text not null unique,
     title text not null,
     owner text not null,
     max_message_length int not null,
     slow_mode_seconds int not null,
     archived boolean not null default false,
     create_time timestamptz not null default now(),
     update_time timestamptz not null default now()
   )`,
];

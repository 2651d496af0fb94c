/** The User service's tables, one migration per entry; never edit an entry once released. */
export const USER_MIGRATIONS = [
  `create table users (
     id bigint generated always as identity primary key,
     handle text not null unique,
     display_name text not null,
     role text not null,
     create_time timestamptz not null default now(),
     update_time timestamptz not null default now()
   )`,
];

/**
 * Kinds as packages: a job records its kind's version, what its progress counts and the columns of its files (so the
 * fan-in needs no kind code), and warnings given when it was accepted; workers record the kinds they serve.
 */
export const name = 'kinds';
export const sql = /* sql */ `
alter table jobs add column kind_version text;
-- The partition queue of the job's kind and major; null: a job from before (its queue was partitions-<kind>).
alter table jobs add column queue text;
alter table jobs add column item_noun text not null default 'items';
alter table jobs add column columns jsonb;
alter table jobs add column warnings jsonb not null default '[]';
create table workers (
  id text primary key,
  kinds jsonb not null,
  started_at timestamptz not null default now(),
  seen_at timestamptz not null default now()
);
create index workers_seen on workers (seen_at);
`;

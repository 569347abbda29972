/**
 * Pipelines: named lists of extracts (entries: a source and a sink each), key–value settings per pipeline and per
 * entry, an optional schedule, and runs that link each entry to the job it was submitted as.
 */
export const name = 'pipelines';
export const sql = /* sql */ `
create table pipelines (
  name text primary key,
  description text not null,
  schedule jsonb,
  created_at timestamptz not null default clock_timestamp(),
  updated_at timestamptz not null default clock_timestamp()
);

create table pipeline_settings (
  pipeline text not null references pipelines (name) on delete cascade,
  key text not null,
  value jsonb not null,
  primary key (pipeline, key)
);

create table pipeline_entries (
  pipeline text not null references pipelines (name) on delete cascade,
  name text not null,
  position int not null,
  category text,
  enabled boolean not null,
  source jsonb not null,
  sink jsonb not null,
  primary key (pipeline, name)
);

create table pipeline_entry_settings (
  pipeline text not null,
  entry text not null,
  key text not null,
  value jsonb not null,
  primary key (pipeline, entry, key),
  foreign key (pipeline, entry) references pipeline_entries (pipeline, name) on delete cascade
);

create table pipeline_runs (
  id uuid primary key,
  pipeline text not null references pipelines (name) on delete cascade,
  category text,
  trigger text not null check (trigger in ('manual', 'schedule')),
  trigger_key text unique,
  created_at timestamptz not null default clock_timestamp(),
  cancelled_at timestamptz
);
create index pipeline_runs_by_pipeline on pipeline_runs (pipeline, created_at desc, id desc);

create table pipeline_run_entries (
  run_id uuid not null references pipeline_runs (id) on delete cascade,
  entry text not null,
  position int not null,
  spec jsonb not null,
  job_id uuid references jobs (id),
  primary key (run_id, entry)
);
create index pipeline_run_entries_pending on pipeline_run_entries (run_id) where job_id is null;
create index pipeline_run_entries_by_job on pipeline_run_entries (job_id);
`;

/** Jobs, their partitions, every attempt of a partition, and the registered datasets. */
export const name = 'initial';
export const sql = /* sql */ `
create table jobs (
  id uuid primary key,
  kind text not null,
  spec jsonb not null,
  status text not null default 'queued'
    check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  created_at timestamptz not null default clock_timestamp(),
  enqueued_at timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  partitions_total int not null,
  items_total bigint not null,
  output jsonb not null,
  manifest_path text,
  error jsonb,
  idempotency_key text unique
);
create index jobs_by_created on jobs (created_at desc, id desc);
create index jobs_open on jobs (created_at) where status in ('queued', 'running');

create table partitions (
  job_id uuid not null references jobs (id) on delete cascade,
  idx int not null,
  payload jsonb not null,
  items int not null,
  items_done int not null default 0,
  estimated_cost double precision not null,
  status text not null default 'queued'
    check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  attempts int not null default 0,
  worker_id text,
  enqueued_at timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  queue_wait_ms double precision,
  run_ms double precision,
  rows bigint,
  bytes bigint,
  file text,
  error jsonb,
  primary key (job_id, idx)
);
create index partitions_open on partitions (job_id) where status in ('queued', 'running');

create table attempts (
  job_id uuid not null,
  idx int not null,
  attempt int not null,
  worker_id text not null,
  started_at timestamptz not null default clock_timestamp(),
  finished_at timestamptz,
  run_ms double precision,
  outcome text not null default 'running'
    check (outcome in ('running', 'succeeded', 'failed', 'abandoned', 'skipped')),
  error jsonb,
  primary key (job_id, idx, attempt),
  foreign key (job_id, idx) references partitions (job_id, idx) on delete cascade
);

create table datasets (
  job_id uuid primary key references jobs (id) on delete cascade,
  name text not null,
  description text not null,
  tags jsonb not null,
  container text not null,
  manifest_path text not null,
  files int not null,
  rows bigint not null,
  bytes bigint not null,
  created_at timestamptz not null default clock_timestamp()
);
create index datasets_by_name on datasets (name, created_at desc);
`;

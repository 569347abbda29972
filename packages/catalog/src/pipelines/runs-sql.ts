import { JOB_COUNTS } from '../fragments.js';

/** The pipeline runs' statements (see RunStore). */

export const INSERT_RUN = /* sql */ `
  insert into pipeline_runs (id, pipeline, category, trigger, trigger_key, max_concurrent_entries, expanded_at)
  values ($1, $2, $3, $4, $5, $6, clock_timestamp())
  on conflict (trigger_key) do nothing returning id`;

export const RUN_OF_TRIGGER = /* sql */ `select id from pipeline_runs where trigger_key = $1`;

export const INSERT_RUN_ENTRIES = /* sql */ `
  insert into pipeline_run_entries (run_id, entry, position, spec)
  select $1, entry, position, spec from unnest($2::text[], $3::int[], $4::jsonb[]) as e(entry, position, spec)`;

/** A run's cap on entries at once, and the jobs of its submitted entries that have not ended. */
export const CAP_AND_OPEN_JOBS = /* sql */ `
  select r.max_concurrent_entries as cap,
         array(select e.job_id::text from pipeline_run_entries e join jobs j on j.id = e.job_id
                where e.run_id = r.id and j.status in ('queued', 'running') order by e.position) as open
    from pipeline_runs r where r.id = $1`;

/** A run's entries not yet submitted, in order (none once the run is cancelled). */
export const PENDING_ENTRIES = /* sql */ `
  select e.entry, e.spec from pipeline_run_entries e join pipeline_runs r on r.id = e.run_id
   where e.run_id = $1 and e.job_id is null and r.cancelled_at is null order by e.position`;

export const TOUCH_RUN = /* sql */ `update pipeline_runs set expanded_at = clock_timestamp() where id = $1`;

export const LINK_JOB = /* sql */ `
  update pipeline_run_entries e set job_id = $3 from pipeline_runs r
   where e.run_id = $1 and e.entry = $2 and r.id = e.run_id
  returning r.cancelled_at is not null as cancelled`;

export const RUNS_WITH_PENDING_ENTRIES = /* sql */ `
  select r.id from pipeline_runs r
   where r.cancelled_at is null
     and coalesce(r.expanded_at, r.created_at) < clock_timestamp() - make_interval(secs => $1::float8 / 1000)
     and exists (select 1 from pipeline_run_entries e where e.run_id = r.id and e.job_id is null)
   order by r.created_at`;

export const HAS_OPEN_RUN = /* sql */ `
  select exists (
    select 1 from pipeline_runs r join pipeline_run_entries e on e.run_id = r.id left join jobs j on j.id = e.job_id
     where r.pipeline = $1 and r.cancelled_at is null
       and (e.job_id is null or j.status in ('queued', 'running'))) as open`;

export const CANCEL_RUN = /* sql */ `
  update pipeline_runs set cancelled_at = coalesce(cancelled_at, clock_timestamp()) where id = $1 and pipeline = $2`;

export const OPEN_JOBS_OF_RUN = /* sql */ `
  select e.job_id from pipeline_run_entries e join jobs j on j.id = e.job_id
   where e.run_id = $1 and j.status in ('queued', 'running') order by e.position`;

export const RUN = /* sql */ `select * from pipeline_runs where id = $1 and pipeline = $2`;

/** A page of a pipeline's runs, newest first, after the cursor's ($2, $3); one more than the page ($4). */
export const LIST_RUNS = /* sql */ `
  select * from pipeline_runs
   where pipeline = $1 and ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::uuid))
   order by created_at desc, id desc limit $4`;

/** The entries of runs $1, in order, each with its job and the job's partition counts (nulls until submitted). */
export const ENTRIES_WITH_JOBS = /* sql */ `
  select e.entry, e.run_id as entry_run, e.spec->'dataset'->>'name' as dataset_name, j.*, c.*
    from pipeline_run_entries e
    left join jobs j on j.id = e.job_id
    left join lateral (${JOB_COUNTS}) c on true
   where e.run_id = any($1::uuid[])
   order by e.run_id, e.position`;

export const WORKERS_OF_RUNS = /* sql */ `
  select e.run_id, count(distinct p.worker_id)::int as workers
    from pipeline_run_entries e join partitions p on p.job_id = e.job_id
   where e.run_id = any($1::uuid[]) group by e.run_id`;

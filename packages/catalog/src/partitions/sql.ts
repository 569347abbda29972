import { JOB_QUEUE } from '../fragments.js';

/**
 * The partition lifecycle's statements (see PartitionStore). Every transaction that touches both locks the job rows
 * first, in id order, then the partition rows: one lock order, no deadlock.
 */

export const JOBS_OF_STARTS = /* sql */ `select id, status, spec, output, details from jobs where id = any($1::uuid[])`;

/** The queued jobs among $1 start running; a running job's row is not touched at all. */
export const START_JOBS = /* sql */ `
  update jobs set status = 'running', started_at = coalesce(started_at, clock_timestamp())
   where id in (select id from jobs where id = any($1::uuid[]) and status = 'queued' order by id for update)`;

/**
 * Starts an attempt of each of job $1's partitions $2 that has not ended, for worker $3, in one statement: the
 * partition runs, an attempt still marked running is abandoned (its worker died and the queue handed the partition
 * over), and the new attempt is recorded. `idx = any(...)` per job keeps it a primary-key lookup whatever the planner
 * knows of the table (a join with the list lets it scan every open partition of the job instead, each time).
 */
export const START_ATTEMPTS = /* sql */ `
  with started as (
    update partitions
       set status = 'running', attempts = attempts + 1, worker_id = $3, error = null, items_done = 0,
           started_at = clock_timestamp(), heartbeat_at = clock_timestamp(),
           queue_wait_ms = coalesce(queue_wait_ms,
             extract(epoch from clock_timestamp() - coalesce(enqueued_at, clock_timestamp())) * 1000)
     where job_id = $1 and idx = any($2::int[]) and status in ('queued', 'running')
    returning idx, attempts
  ), abandoned as (
    update attempts a set outcome = 'abandoned', finished_at = clock_timestamp()
      from started s
     where a.job_id = $1 and a.idx = s.idx and a.outcome = 'running'
  ), recorded as (
    insert into attempts (job_id, idx, attempt, worker_id) select $1, idx, attempts, $3 from started
  )
  select idx, attempts from started`;

export const HEARTBEAT = /* sql */ `
  update partitions set heartbeat_at = clock_timestamp() where job_id = $1 and idx = $2 and attempts = $3 and status = 'running'`;

export const PROGRESS = /* sql */ `
  update partitions set items_done = $4 where job_id = $1 and idx = $2 and attempts = $3 and status = 'running'`;

/** Locks the job rows (in id order); says which are capped (their held partitions may now be released). */
export const LOCK_JOBS = /* sql */ `
  select id::text as id, max_concurrency is not null as capped from jobs where id = any($1::uuid[]) order by id for update`;

/** Job $1's successful attempts, partition and attempt rows at once; returns the partitions recorded. */
export const SUCCEED_ATTEMPTS = /* sql */ `
  with ended as (
    select * from unnest($2::int[], $3::int[], $4::float8[], $5::bigint[], $6::bigint[], $7::jsonb[], $8::boolean[])
             as r(idx, attempt, run_ms, rows, bytes, files, own_snapshot)
  ), succeeded as (
    update partitions p
       set status = 'succeeded', finished_at = clock_timestamp(), items_done = p.items, run_ms = e.run_ms, rows = e.rows,
           bytes = e.bytes, files = e.files, own_snapshot = e.own_snapshot
      from ended e
     where p.job_id = $1 and p.idx = any($2::int[]) and p.idx = e.idx and p.attempts = e.attempt and p.status = 'running'
    returning p.idx
  ), attempts_ended as (
    update attempts a set outcome = 'succeeded', error = null, run_ms = e.run_ms, finished_at = clock_timestamp()
      from ended e
     where a.job_id = $1 and a.idx = any($2::int[]) and a.idx = e.idx and a.attempt = e.attempt and a.outcome = 'running'
  )
  select idx from succeeded`;

/**
 * A failed attempt ($1 job, $2 index, $3 attempt): the failure counts ($4 = 1) unless the attempt was handed back
 * ($4 = 0, its worker shut down); the partition fails for good when the error is not retryable ($5 false) or its
 * failures reach $6, else it is queued again. Returns the partition's new status (no row: the attempt had moved on).
 */
export const FAIL_ATTEMPT = /* sql */ `
  with failed as (
    update partitions
       set failures = failures + $4::int,
           status = case when $4::int = 1 and (not $5::boolean or failures + 1 >= $6::int) then 'failed' else 'queued' end,
           error = $7, run_ms = $8,
           finished_at = case when $4::int = 1 and (not $5::boolean or failures + 1 >= $6::int) then clock_timestamp() end
     where job_id = $1 and idx = $2 and attempts = $3 and status = 'running'
    returning status
  ), attempt_ended as (
    update attempts set outcome = $9, error = $7, run_ms = $8, finished_at = clock_timestamp()
     where job_id = $1 and idx = $2 and attempt = $3 and outcome = 'running'
  )
  select status from failed`;

/** A partition whose attempt ($3) was lost (its message stalled out): it fails with $4. */
export const LOSE_ATTEMPT = /* sql */ `
  with failed as (
    update partitions set status = 'failed', error = $4, finished_at = clock_timestamp()
     where job_id = $1 and idx = $2 and attempts = $3 and status in ('queued', 'running')
    returning status
  ), attempt_ended as (
    update attempts set outcome = 'lost', error = $4, run_ms = null, finished_at = clock_timestamp()
     where job_id = $1 and idx = $2 and attempt = $3 and outcome = 'running'
  )
  select status from failed`;

/**
 * Of jobs $1 (their rows locked by the caller), the capped jobs' held partitions that now fit under their cap, in
 * index order: no longer held; returns their messages.
 */
export const RELEASE_HELD = /* sql */ `
  with capped as (
    select j.id, ${JOB_QUEUE} as queue, j.spec,
           j.max_concurrency - (select count(*) from partitions p
                                 where p.job_id = j.id and not p.held and p.status in ('queued', 'running')) as room
      from jobs j
     where j.id = any($1::uuid[]) and j.max_concurrency is not null and j.status in ('queued', 'running')
  ), picked as (
    select c.id as job_id, n.idx
      from capped c
      cross join lateral (select idx from partitions p where p.job_id = c.id and p.held and p.status = 'queued'
                           order by idx limit greatest(c.room, 0)) n
  ), released as (
    update partitions p set held = false from picked
     where p.job_id = picked.job_id and p.idx = picked.idx
    returning p.job_id, p.idx, p.payload
  )
  select r.job_id::text as job_id, c.queue, c.spec, json_agg(r.payload order by r.idx) as payloads
    from released r join capped c on c.id = r.job_id
   group by r.job_id, c.queue, c.spec`;

/** Of jobs $1 (their rows locked by the caller), those without a queued or running partition left. */
export const JOBS_WITHOUT_OPEN_PARTITIONS = /* sql */ `
  select j.id::text as id from unnest($1::uuid[]) as j(id)
   where not exists (select 1 from partitions p where p.job_id = j.id and p.status in ('queued', 'running'))`;

import { JOB_COUNTS, JOB_QUEUE } from '../fragments.js';

/** The jobs table's statements (see JobStore). */

export const INSERT_JOB = /* sql */ `
  insert into jobs (id, kind, spec, partitions_total, items_total, output, idempotency_key, details, submitted_by,
                    kind_version, queue, item_noun, columns, warnings, max_concurrency)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
  on conflict (idempotency_key) do nothing
  returning id`;

/** A job's partitions, all at once; with a cap ($6), those past it start held. */
export const INSERT_PARTITIONS = /* sql */ `
  insert into partitions (job_id, idx, payload, items, estimated_cost, held)
  select $1, *, $6::int is not null and idx >= $6::int
    from unnest($2::int[], $3::jsonb[], $4::int[], $5::float8[]) as p(idx, payload, items, estimated_cost)`;

export const SAME_KEY = /* sql */ `select id, status, spec = $2::jsonb as same from jobs where idempotency_key = $1`;

export const INSERT_FAILED_JOB = /* sql */ `
  insert into jobs (id, kind, spec, status, partitions_total, items_total, output, error, finished_at, idempotency_key)
  values ($1, $2, $3, 'failed', 0, 0, $4, $5, clock_timestamp(), $6)
  on conflict (idempotency_key) do nothing
  returning id`;

export const STATUS = /* sql */ `select status from jobs where id = $1`;

export const BY_IDEMPOTENCY_KEY = /* sql */ `select id, status, spec from jobs where idempotency_key = $1`;

export const DELETE_JOB = /* sql */ `delete from jobs where id = $1`;

/** Stamps the job's enqueue time and its partitions' (the start of each partition's queue wait). */
export const MARK_ENQUEUED = /* sql */ `
  with j as (
    update jobs set enqueued_at = coalesce(enqueued_at, clock_timestamp()) where id = $1 returning enqueued_at
  )
  update partitions p set enqueued_at = coalesce(p.enqueued_at, j.enqueued_at) from j where p.job_id = $1`;

export const JOB = /* sql */ `select * from jobs where id = $1`;

export const PARTITIONS_OF_JOB = /* sql */ `select * from partitions where job_id = $1 order by idx`;

/** A page of jobs, newest first, after the cursor's ($1, $2), of a status ($3) or any; one more than the page ($4). */
export const LIST_JOBS = /* sql */ `
  select j.*, c.*
    from jobs j
    cross join lateral (${JOB_COUNTS}) c
   where ($1::timestamptz is null or (j.created_at, j.id) < ($1::timestamptz, $2::uuid))
     and ($3::text is null or j.status = $3)
   order by j.created_at desc, j.id desc
   limit $4`;

export const LOCK_FOR_CANCEL = /* sql */ `select status, kind, ${JOB_QUEUE} as queue from jobs j where id = $1 for update`;

export const CANCEL_JOB = /* sql */ `update jobs set status = 'cancelled', finished_at = clock_timestamp() where id = $1`;

export const CANCEL_QUEUED_PARTITIONS = /* sql */ `
  update partitions set status = 'cancelled', finished_at = clock_timestamp()
   where job_id = $1 and status = 'queued'
  returning idx`;

export const LOCK_FOR_RETRY = /* sql */ `
  select status, kind, ${JOB_QUEUE} as queue, spec, max_concurrency is not null as capped from jobs j where id = $1 for update`;

/** A failed job's failed partitions, queued again with a fresh budget; held ($2) when the job is capped. */
export const REQUEUE_FAILED_PARTITIONS = /* sql */ `
  update partitions
     set status = 'queued', failures = 0, error = null, finished_at = null, enqueued_at = clock_timestamp(),
         queue_wait_ms = null, held = $2
   where job_id = $1 and status = 'failed'
  returning payload`;

export const REOPEN_JOB = /* sql */ `
  update jobs set status = 'running', finished_at = null, error = null, manifest_path = null, retries = retries + 1 where id = $1`;

export const OPEN_OF = /* sql */ `select id::text as id from jobs where id = any($1::uuid[]) and status in ('queued', 'running')`;

export const OPEN_PARTITIONS_SUBMITTED_BY = /* sql */ `
  select count(*) as n from jobs j join partitions p on p.job_id = j.id
   where j.submitted_by = $1 and j.status in ('queued', 'running') and p.status in ('queued', 'running')`;

export const MERGE_DETAILS = /* sql */ `update jobs set details = coalesce(details, '{}'::jsonb) || $2::jsonb where id = $1`;

/** Ends a job that has not ended yet. */
export const FINISH_JOB = /* sql */ `
  update jobs set status = $2, finished_at = $5, manifest_path = $3, error = $4
   where id = $1 and status in ('queued', 'running')`;

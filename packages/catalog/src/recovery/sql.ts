import { JOB_QUEUE } from '../fragments.js';

/** The recovery passes' statements (see RecoveryStore). */

/** Running partitions of open jobs whose attempts have not beaten for $1 ms: queued again, with their attempts. */
export const TAKE_BACK_SILENT = /* sql */ `
  update partitions p set status = 'queued', heartbeat_at = null, items_done = 0
    from jobs j
   where j.id = p.job_id and j.status in ('queued', 'running') and p.status = 'running'
     and p.heartbeat_at < clock_timestamp() - make_interval(secs => $1::float8 / 1000)
  returning p.job_id::text as job_id, p.idx, ${JOB_QUEUE} as queue, p.attempts, p.worker_id`;

export const ABANDON_ATTEMPTS = /* sql */ `
  update attempts a set outcome = 'abandoned', finished_at = clock_timestamp()
    from unnest($1::uuid[], $2::int[], $3::int[]) as d(job_id, idx, attempt)
   where a.job_id = d.job_id and a.idx = d.idx and a.attempt = d.attempt and a.outcome = 'running'`;

/** The open, not held partitions of enqueued open jobs, oldest job first. */
export const OPEN_PARTITIONS = /* sql */ `
  select p.job_id, p.idx, ${JOB_QUEUE} as queue, p.status, p.attempts,
         (extract(epoch from clock_timestamp() - p.heartbeat_at) * 1000)::float8 as silent_ms
    from jobs j join partitions p on p.job_id = j.id
   where j.status in ('queued', 'running') and j.enqueued_at is not null and p.status in ('queued', 'running')
     and not p.held
   order by j.created_at, p.idx`;

export const JOBS_NOT_ENQUEUED = /* sql */ `
  select id from jobs
   where status = 'queued' and enqueued_at is null and created_at < clock_timestamp() - make_interval(secs => $1::float8 / 1000)
   order by created_at`;

export const JOB_FOR_MESSAGES = /* sql */ `select kind, ${JOB_QUEUE} as queue, spec from jobs j where id = $1`;

/** Job $1's open, not held partitions' payloads (of indices $2, or all), in index order. */
export const OPEN_PAYLOADS = /* sql */ `
  select payload from partitions
   where job_id = $1 and status in ('queued', 'running') and not held and ($2::int[] is null or idx = any($2::int[]))
   order by idx`;

export const JOBS_TO_FINALIZE = /* sql */ `
  select j.id from jobs j
   where j.status in ('queued', 'running') and j.enqueued_at is not null
     and not exists (select 1 from partitions p where p.job_id = j.id and p.status in ('queued', 'running'))
   order by j.created_at`;

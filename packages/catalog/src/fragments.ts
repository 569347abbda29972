/** SQL shared by several stores' statements. */

/** The partition queue of the job aliased `j`; jobs from before kinds had versions used `partitions-<kind>`. */
export const JOB_QUEUE = /* sql */ "coalesce(j.queue, 'partitions-' || j.kind)";

/**
 * The partition counts of the job aliased `j` (a JobCounts row), for a `cross join lateral` (or a `left join lateral …
 * on true`): aggregated in SQL, so that a list of jobs never loads their partitions.
 */
export const JOB_COUNTS = /* sql */ `
           select count(*) filter (where p.status in ('succeeded', 'failed', 'cancelled'))::int as done,
                  count(*) filter (where p.status = 'succeeded')::int as succeeded,
                  count(*) filter (where p.status = 'failed')::int as failed,
                  count(*) filter (where p.status = 'running')::int as running,
                  coalesce(sum(p.items_done), 0)::text as items_done,
                  sum(p.run_ms) filter (where p.status = 'succeeded') as sum_run_ms,
                  count(distinct p.worker_id)::int as workers
             from partitions p where p.job_id = j.id`;

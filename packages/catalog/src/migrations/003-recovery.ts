/**
 * Recovery: a partition counts the failed attempts that spend its retry budget (`failures`: reset when a failed job is
 * retried; handed-back and abandoned attempts do not count), an attempt can end handed back (its worker shut down) or
 * lost (its queue message vanished or stalled out), a running attempt beats (`heartbeat_at`) so a live one is told from
 * a dead one, and a job counts its manual retries.
 */
export const name = 'recovery';
export const sql = /* sql */ `
alter table partitions add column failures int not null default 0;
update partitions p set failures = (select count(*) from attempts a where a.job_id = p.job_id and a.idx = p.idx and a.outcome = 'failed');

alter table attempts drop constraint attempts_outcome_check;
alter table attempts add constraint attempts_outcome_check
  check (outcome in ('running', 'succeeded', 'failed', 'abandoned', 'skipped', 'handed-back', 'lost'));

alter table partitions add column heartbeat_at timestamptz;

alter table jobs add column retries int not null default 0;
`;

/**
 * A job that ends (succeeded, failed or cancelled) is announced on channel `partita_job_ended`, payload
 * `<schema>.<job id>`, when its transaction commits: a master answers `GET /jobs/:id?wait=…` at once instead of
 * being polled.
 */
export const name = 'job-ended';
export const sql = /* sql */ `
create function notify_job_ended() returns trigger language plpgsql as $$
begin
  perform pg_notify('partita_job_ended', tg_table_schema || '.' || new.id::text);
  return null;
end $$;
create trigger jobs_ended after insert or update of status on jobs
  for each row when (new.status in ('succeeded', 'failed', 'cancelled')) execute function notify_job_ended();
`;

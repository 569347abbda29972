/**
 * A pipeline may run at most so many of its entries' jobs at once (the old pipelines' batch count). A run keeps the
 * cap it started with; the master expanding it touches `expanded_at`, so that another takes over only a run whose
 * master stopped.
 */
export const name = 'entries-at-a-time';
export const sql = /* sql */ `
alter table pipelines add column max_concurrent_entries int check (max_concurrent_entries > 0);
alter table pipeline_runs add column max_concurrent_entries int check (max_concurrent_entries > 0);
alter table pipeline_runs add column expanded_at timestamptz;
`;

/** Who submitted a job (the API token's name): what per-token limits count. */
export const name = 'submitted-by';
export const sql = /* sql */ `
alter table jobs add column submitted_by text;
create index jobs_open_by_submitter on jobs (submitted_by) where status in ('queued', 'running');
`;

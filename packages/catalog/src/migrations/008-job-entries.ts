/** Pipelines run any kind: an entry holds an extract's source or a job of any kind, never both. */
export const name = 'job-entries';
export const sql = /* sql */ `
alter table pipeline_entries alter column source drop not null;
alter table pipeline_entries add column job jsonb;
alter table pipeline_entries add constraint pipeline_entries_source_or_job check ((source is null) <> (job is null));
`;

/**
 * Extracts: a partition may write several files; a job keeps its planner's facts and checks (`details`), a partition
 * whether it read its own snapshot instead of the job's; datasets get versions and the schema of their files.
 */
export const name = 'extract';
export const sql = /* sql */ `
alter table partitions add column files jsonb not null default '[]';
update partitions set files = jsonb_build_array(jsonb_build_object('path', file, 'rows', rows, 'bytes', bytes)) where file is not null;
alter table partitions drop column file;
alter table partitions add column own_snapshot boolean not null default false;

alter table jobs add column details jsonb;

alter table datasets add column kind text not null default 'travel-plan';
alter table datasets alter column kind drop default;
alter table datasets add column schema jsonb not null default '[]';
alter table datasets add column version int;
update datasets d set version = v.n
  from (select job_id, row_number() over (partition by name order by created_at, job_id)::int as n from datasets) v
 where v.job_id = d.job_id;
alter table datasets alter column version set not null;
create unique index datasets_name_version on datasets (name, version);
`;

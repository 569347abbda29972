/** The pipeline definitions' statements (see PipelineStore). */

export const LIST = /* sql */ `
  select p.name, p.description, p.schedule, p.updated_at,
         (select count(*) from pipeline_entries e where e.pipeline = p.name)::int as entries,
         (select count(*) from pipeline_entries e where e.pipeline = p.name and e.enabled)::int as enabled
    from pipelines p order by p.name`;

export const INSERT_NAME = /* sql */ `insert into pipelines (name, description, schedule) values ($1, '', null) on conflict (name) do nothing`;

export const LOCK = /* sql */ `select 1 from pipelines where name = $1 for update`;

/** With its entries, settings and runs (their jobs and datasets stay). */
export const DELETE = /* sql */ `delete from pipelines where name = $1`;

export const SCHEDULES = /* sql */ `select name, schedule from pipelines where schedule is not null`;

export const HEAD = /* sql */ `select * from pipelines where name = $1`;

export const SETTINGS = /* sql */ `select key, value from pipeline_settings where pipeline = $1 order by key`;

export const ENTRIES = /* sql */ `
  select name, category, enabled, source, job, sink from pipeline_entries where pipeline = $1 order by position`;

export const ENTRY_SETTINGS = /* sql */ `select entry, key, value from pipeline_entry_settings where pipeline = $1 order by entry, key`;

export const UPDATE_HEAD = /* sql */ `
  update pipelines set description = $2, schedule = $3, max_concurrent_entries = $4, updated_at = clock_timestamp() where name = $1`;

export const DELETE_SETTINGS = /* sql */ `delete from pipeline_settings where pipeline = $1`;

export const DELETE_ENTRIES = /* sql */ `delete from pipeline_entries where pipeline = $1`;

export const INSERT_SETTINGS = /* sql */ `insert into pipeline_settings (pipeline, key, value) select $1, * from unnest($2::text[], $3::jsonb[])`;

export const INSERT_ENTRIES = /* sql */ `
  insert into pipeline_entries (pipeline, name, position, category, enabled, source, job, sink)
  select $1, * from unnest($2::text[], $3::int[], $4::text[], $5::boolean[], $6::jsonb[], $7::jsonb[], $8::jsonb[])`;

export const INSERT_ENTRY_SETTINGS = /* sql */ `
  insert into pipeline_entry_settings (pipeline, entry, key, value) select $1, * from unnest($2::text[], $3::text[], $4::jsonb[])`;

/** The datasets table's statements (see DatasetStore). */

/** Versions count up per name; the caller holds DATASET_LOCK for the name. */
export const INSERT_VERSION = /* sql */ `
  insert into datasets (job_id, name, version, kind, description, tags, container, manifest_path, files, rows, bytes, schema)
  select $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10, $11 from datasets where name = $2`;

/** Orders two jobs of one dataset that end at once (transaction-scoped). */
export const DATASET_LOCK = /* sql */ `select pg_advisory_xact_lock(hashtext('partita.dataset'), hashtext($1))`;

/** Every dataset's latest version, by name, with its number of versions. */
export const LATEST_VERSIONS = /* sql */ `
  select distinct on (name) *, count(*) over (partition by name)::int as versions
    from datasets order by name, version desc`;

export const VERSIONS = /* sql */ `select * from datasets where name = $1 order by version desc`;

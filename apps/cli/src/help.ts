/** Usage texts: the overview and one per command. */

export const COMMANDS = ['submit', 'watch', 'list', 'show', 'cancel', 'retry', 'datasets', 'kinds', 'pipelines'] as const;
export type CommandName = (typeof COMMANDS)[number];

const GLOBAL = `Global options:
  --url URL        the master's base URL (default: $PARTITA_URL, else http://127.0.0.1:8080)
  --token TOKEN    sent as "Authorization: Bearer TOKEN" (default: $PARTITA_TOKEN)
  --json           print the API's JSON instead of tables
  -h, --help       this help; "partita help COMMAND" or "partita COMMAND --help" for one command
  -V, --version    the CLI's version`;

export const OVERVIEW = `usage: partita [options] COMMAND [arguments]

Submits and follows Partita jobs through the master's REST API.

Commands:
  submit SPEC [--watch] [--idempotency-key K]   submit a job spec (JSON or YAML file, "-" for stdin); prints the job id
  watch ID...                                    live progress until the jobs end, then their timings tables
  list [--status S] [--limit N] [--cursor C]     jobs, newest first
  show ID                                        a job's status, output and timings table
  cancel ID                                      cancel a job: partitions not yet started never run
  retry ID                                       run a failed job's failed partitions again
  datasets [NAME]                                registered datasets, or every version of one
  kinds                                          the kinds the master serves, their versions and live workers
  pipelines SUBCOMMAND ...                       apply, list, show, run, runs, cancel, delete pipelines

${GLOBAL}

Exit codes: 0 success (for watch: every job succeeded; for pipelines run --watch: the run succeeded), 1 failure (a job
or run failed, the master unreachable, not found), 2 bad input (usage, an unreadable spec, a spec the API rejects).`;

export const COMMAND_HELP: Record<CommandName, string> = {
  submit: `usage: partita submit SPEC [--watch] [--idempotency-key K] [global options]

Reads a job spec and submits it (POST /jobs); prints the new job's id.
  SPEC                     a .json, .yaml or .yml file, or "-" for stdin (JSON or YAML, detected)
  --watch                  then follow the job as "partita watch" does
  --idempotency-key K      a repeat with the same key returns the same job instead of a new one

A spec the API rejects prints each offending field and exits with 2.

${GLOBAL}`,
  watch: `usage: partita watch ID... [global options]

Shows each job's progress until every one has ended: partitions done, items (groups or rows) done, rate, ETA,
elapsed time and status. On a terminal the lines are redrawn in place; otherwise a line is printed every 2 s and
when the job ends. Each job's timings table follows its end. Exits with 0 when every job succeeded, else 1.
With --json, progress goes to stderr and the final job views are printed as JSON.

${GLOBAL}`,
  list: `usage: partita list [--status S] [--limit N] [--cursor C] [global options]

Jobs, newest first: id, kind, status, progress, created, wall time, speed-up.
  --status S    only jobs with this status: queued, running, succeeded, failed, cancelled
  --limit N     at most N jobs (1-500, default 20)
  --cursor C    the next page, as the previous page's last line names it

${GLOBAL}`,
  show: `usage: partita show ID [global options]

A job's header (status, kind, times, output manifest, error) and its timings table: per partition the items,
worker, attempts, queue wait, run time, rows and status; then the job's wall time, the sum of its partitions (what
one sequential process would need), the speed-up, the workers and the efficiency. Extracts add the completeness
line (the source's rows against the rows written).

${GLOBAL}`,
  cancel: `usage: partita cancel ID [global options]

Cancels a job (DELETE /jobs/ID): partitions not yet started never run. A job that already ended cannot be cancelled.

${GLOBAL}`,
  retry: `usage: partita retry ID [global options]

Retries a failed job (POST /jobs/ID/retry): only its failed partitions run again, each with a fresh retry budget;
the partitions that succeeded keep their files. Follow it with \`partita watch ID\`. Only a failed job can be retried.

${GLOBAL}`,
  datasets: `usage: partita datasets [NAME] [global options]

Without NAME: every registered dataset with its latest version. With NAME: every version of that dataset, newest
first (job, files, rows, bytes, manifest).

${GLOBAL}`,
  kinds: `usage: partita kinds [global options]

The kinds the master serves (the built-ins and the modules of its PARTITA_KINDS): version, what their progress
counts, their input, their queue and the live workers serving each. --json adds each kind's spec schema and columns.

${GLOBAL}`,
  pipelines: `usage: partita pipelines SUBCOMMAND [arguments] [global options]

Pipelines are named lists of extracts kept by the master; a run submits one sql-extract job per enabled entry.
  apply FILE                             create or replace the pipelines in FILE, all or none (POST /pipelines/apply);
                                         prints "NAME  created|updated|unchanged" per pipeline
  list                                   every pipeline: entries (enabled/total), schedule, next run, updated
  show NAME                              a pipeline's description, settings and schedule, then its entries with the
                                         effective dataset, container/prefix and chunks
  run NAME [--category C] [--watch]      start a run of the enabled entries (of category C only); prints the run id
  runs NAME [RUN_ID] [--limit N] [--cursor C]
                                         the pipeline's runs, newest first; or one run's entries
  cancel NAME RUN_ID                     cancel a run's jobs
  delete NAME                            delete a pipeline

  FILE            a .json, .yaml or .yml file, or "-" for stdin, holding one pipeline (an object with a "name"), a
                  list of pipelines, {"pipelines": [...]}, or (YAML) several documents separated by "---"
  --watch, -w     follow the run: a progress line every 2 s until it ends, then its entries (job, rows, wall time,
                  error); exits with 0 when the run succeeded, else 1. With --json, progress goes to stderr
  --category C    run only the enabled entries of this category
  --limit N       at most N runs (1-500, default 20)
  --cursor C      the next page of runs, as the previous page's last line names it

A file the API rejects prints each offending field (pipelines[i] is the i-th pipeline of the file, from 0) and
exits with 2.

${GLOBAL}`,
};

import pg from 'pg';
import { quoteIdent } from '@partita/contracts';
import { DatasetStore } from './datasets/store.js';
import { JobEnds } from './job-ends.js';
import { JobStore } from './jobs/store.js';
import { Locks } from './locks.js';
import { migrate } from './migrate.js';
import { PartitionStore } from './partitions/store.js';
import { PipelineStore } from './pipelines/definitions.js';
import { RunStore } from './pipelines/runs.js';
import { RecoveryStore } from './recovery/store.js';
import { SessionStore } from './sessions/store.js';
import { WorkerStore } from './workers/store.js';

export interface CatalogOptions {
  /** PostgreSQL connection string of the catalog database. */
  connectionString: string;
  /** Schema holding the catalog tables; created by migrate(). Default `partita`. */
  schema?: string;
  /** Pool size. Default 10. */
  max?: number;
  /** Shown in pg_stat_activity. Default `partita`. */
  applicationName?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The catalog: PostgreSQL tables that hold jobs, partitions, attempts, datasets and pipelines. The source of truth.
 * One pool, and one store per concept over it.
 */
export class Catalog {
  readonly pool: pg.Pool;
  readonly schema: string;
  /** Jobs, recorded with their partitions; cancel, retry and finish. */
  readonly jobs: JobStore;
  /** The partition lifecycle: attempts start, beat and end. */
  readonly partitions: PartitionStore;
  /** What the master's recovery passes read to make the queue match the catalog. */
  readonly recovery: RecoveryStore;
  /** Named, versioned outputs of jobs. */
  readonly datasets: DatasetStore;
  /** Workers and the kinds they serve. */
  readonly workers: WorkerStore;
  /** Passes one master runs at a time. */
  readonly locks: Locks;
  /** Pipeline definitions. */
  readonly pipelines: PipelineStore;
  /** Pipeline runs. */
  readonly runs: RunStore;
  /** Browser sessions (the session cookie's ids, hashed). */
  readonly sessions: SessionStore;

  constructor(private readonly options: CatalogOptions) {
    this.schema = options.schema ?? 'partita';
    if (!SCHEMA_NAME.test(this.schema)) throw new Error(`catalog schema "${this.schema}" must match ${SCHEMA_NAME}`);
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      application_name: options.applicationName ?? 'partita',
      options: `-c search_path=${quoteIdent(this.schema)}`,
    });
    // An idle client's error (a restarted server) must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
    this.jobs = new JobStore(this.pool);
    this.partitions = new PartitionStore(this.pool);
    this.recovery = new RecoveryStore(this.pool);
    this.datasets = new DatasetStore(this.pool);
    this.workers = new WorkerStore(this.pool);
    this.locks = new Locks(this.pool, this.schema);
    this.pipelines = new PipelineStore(this.pool);
    this.runs = new RunStore(this.pool);
    this.sessions = new SessionStore(this.pool);
  }

  /** Job ends as they commit, for waiters (`GET /jobs/:id?wait=`): a connection of its own once started. */
  jobEnds(): JobEnds {
    return new JobEnds(this.options.connectionString, this.schema);
  }

  migrate(): Promise<number[]> {
    return migrate(this.pool, this.schema);
  }

  /** The database's clock: the exact end time a job will report (the finaliser stamps it before writing the manifest). */
  async now(): Promise<Date> {
    const { rows } = await this.pool.query<{ now: Date }>('select clock_timestamp() as now');
    return rows[0]!.now;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

import pg from 'pg';
import { TERMINAL_JOB_STATUSES, type JobStatus } from '@partita/contracts';

/** The channel migration 009's trigger notifies when a job ends; the payload is `<schema>.<job id>`. */
const CHANNEL = 'partita_job_ended';

/** How long a lost listening connection waits before it connects again. */
const RECONNECT_MS = 1000;

/**
 * Job ends as PostgreSQL announces them (LISTEN on one connection of its own): whoever waits for a job hears of its
 * end when the catalog transaction that ended it commits, whichever master or worker ended it. A lost connection is
 * made again; what it missed meanwhile, a waiter finds by reading the job again (see `wait`).
 */
export class JobEnds {
  private client: pg.Client | null = null;
  private readonly waiters = new Map<string, Set<() => void>>();
  private closed = false;
  private reconnect: NodeJS.Timeout | null = null;

  constructor(
    private readonly connectionString: string,
    private readonly schema: string,
  ) {}

  /** Connects and listens; a failure is retried in the background. */
  async start(): Promise<void> {
    await this.connect().catch(() => this.retry());
  }

  /**
   * Resolves when `jobId` is announced as ended, after `ms`, or when `signal` aborts, whichever is first: true when
   * it was announced. A caller reads the job again either way (a notification missed while reconnecting is then
   * found).
   */
  wait(jobId: string, ms: number, signal?: AbortSignal): Promise<boolean> {
    if (this.closed || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      let set = this.waiters.get(jobId);
      if (!set) this.waiters.set(jobId, (set = new Set()));
      const done = (announced: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', aborted);
        set.delete(wake);
        if (set.size === 0 && this.waiters.get(jobId) === set) this.waiters.delete(jobId);
        resolve(announced);
      };
      const wake = () => done(true);
      const aborted = () => done(false);
      const timer = setTimeout(() => done(false), ms);
      signal?.addEventListener('abort', aborted, { once: true });
      set.add(wake);
    });
  }

  /**
   * Reads job `jobId`'s status with `read` until it has ended, `deadline` (epoch ms) has passed, `signal` aborts or
   * this closes. Between two reads it waits for the job's announced end at most `everyMs`, then calls `between`. It
   * listens before each read, so an end that commits in between wakes it at once. Returns the last status read (null:
   * no such job).
   */
  async untilEnded(
    jobId: string,
    read: () => Promise<JobStatus | null>,
    options: { everyMs: number; deadline?: number; signal?: AbortSignal; between?: () => Promise<void> },
  ): Promise<JobStatus | null> {
    const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
    for (;;) {
      const listening = new AbortController();
      const remaining = deadline - Date.now();
      const signal = options.signal ? AbortSignal.any([options.signal, listening.signal]) : listening.signal;
      const ended = remaining > 0 ? this.wait(jobId, Math.min(options.everyMs, remaining), signal) : null;
      const status = await read();
      if (!ended || status === null || TERMINAL_JOB_STATUSES.includes(status) || options.signal?.aborted || this.closed) {
        listening.abort();
        return status;
      }
      await options.between?.();
      await ended;
    }
  }

  /** Closed: waits answer at once (the process is stopping). */
  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnect) clearTimeout(this.reconnect);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
    for (const set of this.waiters.values()) for (const wake of [...set]) wake();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'partita-job-ends' });
    client.on('error', () => undefined); // the 'end' below reconnects
    client.on('end', () => {
      if (this.client === client) {
        this.client = null;
        this.retry();
      }
    });
    client.on('notification', (message) => {
      const payload = message.payload ?? '';
      const dot = payload.lastIndexOf('.');
      if (message.channel !== CHANNEL || payload.slice(0, dot) !== this.schema) return;
      for (const wake of [...(this.waiters.get(payload.slice(dot + 1)) ?? [])]) wake();
    });
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end();
      return;
    }
    this.client = client;
  }

  private retry(): void {
    if (this.closed || this.reconnect) return;
    this.reconnect = setTimeout(() => {
      this.reconnect = null;
      this.connect().catch(() => this.retry());
    }, RECONNECT_MS);
    this.reconnect.unref();
  }
}

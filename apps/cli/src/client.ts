import type {
  ApplyResult,
  DatasetHistory,
  DatasetList,
  KindList,
  JobList,
  JobStatus,
  JobView,
  PipelineList,
  PipelineRunList,
  PipelineRunView,
  PipelineView,
} from '@partita/contracts';

export interface Issue {
  path: string;
  message: string;
}

/** The API answered with an error: its status, code, message and, for bad input, each offending field. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';

  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly code: string | undefined,
    readonly issues: readonly Issue[],
  ) {
    super(message);
  }

  /** The request itself is wrong (a bad spec, a malformed id or query): sending it again will not help. */
  get badInput(): boolean {
    return [400, 413, 415, 422].includes(this.status);
  }
}

/** No answer at all: the master is down, the URL is wrong, or the request timed out. */
export class UnreachableError extends Error {
  override readonly name = 'UnreachableError';

  constructor(
    readonly baseUrl: string,
    reason: string,
  ) {
    super(`cannot reach the master at ${baseUrl}: ${reason}`);
  }
}

export interface ClientOptions {
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string | undefined;
  /** Per request. Default 30 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface SubmitResult {
  id: string;
  status: JobStatus;
  /** False when an earlier submit with the same idempotency key made the job. */
  created: boolean;
}

export interface ListRunsQuery {
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface ListJobsQuery {
  limit?: number | undefined;
  cursor?: string | undefined;
  status?: JobStatus | undefined;
}

/** The master's REST API, typed by the contracts' views. */
export class PartitaClient {
  readonly baseUrl: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token || undefined;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetchImpl = options.fetch ?? fetch;
  }

  async submit(spec: unknown, idempotencyKey?: string): Promise<SubmitResult> {
    const { body, status } = await this.request<{ id: string; status: JobStatus }>('POST', '/jobs', {
      body: spec,
      headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
    });
    return { id: body.id, status: body.status, created: status === 202 };
  }

  async getJob(id: string): Promise<JobView> {
    return (await this.request<JobView>('GET', `/jobs/${encodeURIComponent(id)}`)).body;
  }

  async listJobs(query: ListJobsQuery = {}): Promise<JobList> {
    const params = new URLSearchParams();
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.cursor !== undefined) params.set('cursor', query.cursor);
    if (query.status !== undefined) params.set('status', query.status);
    const qs = params.toString();
    return (await this.request<JobList>('GET', `/jobs${qs ? `?${qs}` : ''}`)).body;
  }

  async cancel(id: string): Promise<{ id: string; status: JobStatus }> {
    return (await this.request<{ id: string; status: JobStatus }>('DELETE', `/jobs/${encodeURIComponent(id)}`)).body;
  }

  async retry(id: string): Promise<{ id: string; status: JobStatus }> {
    return (await this.request<{ id: string; status: JobStatus }>('POST', `/jobs/${encodeURIComponent(id)}/retry`)).body;
  }

  async listKinds(): Promise<KindList> {
    return (await this.request<KindList>('GET', '/kinds')).body;
  }

  async listDatasets(): Promise<DatasetList> {
    return (await this.request<DatasetList>('GET', '/datasets')).body;
  }

  async getDataset(name: string): Promise<DatasetHistory> {
    return (await this.request<DatasetHistory>('GET', `/datasets/${encodeURIComponent(name)}`)).body;
  }

  async listPipelines(): Promise<PipelineList> {
    return (await this.request<PipelineList>('GET', '/pipelines')).body;
  }

  async getPipeline(name: string): Promise<PipelineView> {
    return (await this.request<PipelineView>('GET', pipelinePath(name))).body;
  }

  /** Creates or replaces every pipeline given, all or none. */
  async applyPipelines(pipelines: readonly unknown[]): Promise<ApplyResult> {
    return (await this.request<ApplyResult>('POST', '/pipelines/apply', { body: { pipelines } })).body;
  }

  async deletePipeline(name: string): Promise<void> {
    await this.request<undefined>('DELETE', pipelinePath(name));
  }

  /** Starts a run of the pipeline's enabled entries, or of one category's. */
  async startRun(name: string, category?: string): Promise<PipelineRunView> {
    const body = category === undefined ? {} : { category };
    return (await this.request<PipelineRunView>('POST', `${pipelinePath(name)}/runs`, { body })).body;
  }

  async listRuns(name: string, query: ListRunsQuery = {}): Promise<PipelineRunList> {
    const params = new URLSearchParams();
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.cursor !== undefined) params.set('cursor', query.cursor);
    const qs = params.toString();
    return (await this.request<PipelineRunList>('GET', `${pipelinePath(name)}/runs${qs ? `?${qs}` : ''}`)).body;
  }

  async getRun(name: string, id: string): Promise<PipelineRunView> {
    return (await this.request<PipelineRunView>('GET', runPath(name, id))).body;
  }

  /** Cancels the run's jobs. */
  async cancelRun(name: string, id: string): Promise<PipelineRunView> {
    return (await this.request<PipelineRunView>('DELETE', runPath(name, id))).body;
  }

  private async request<T>(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ body: T; status: number }> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw new UnreachableError(this.baseUrl, networkReason(err, this.timeoutMs));
    }
    const parsed = parseJson(text);
    if (!res.ok) {
      const e = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Partial<Record<string, unknown>>;
      const issues = Array.isArray(e['issues'])
        ? (e['issues'] as unknown[]).filter(isIssue).map((i) => ({ path: i.path, message: i.message }))
        : [];
      const message = typeof e['message'] === 'string' && e['message'] ? e['message'] : text.trim() || res.statusText;
      const reason = typeof e['error'] === 'string' ? e['error'] : res.statusText;
      throw new ApiRequestError(method, path, res.status, reason, message, typeof e['code'] === 'string' ? e['code'] : undefined, issues);
    }
    // 204 No Content (a deletion) has no body to parse.
    if (res.status === 204) return { body: undefined as T, status: res.status };
    if (parsed === undefined) {
      throw new ApiRequestError(method, path, res.status, res.statusText, `the answer is not JSON: ${text.slice(0, 200)}`, undefined, []);
    }
    return { body: parsed as T, status: res.status };
  }
}

const pipelinePath = (name: string) => `/pipelines/${encodeURIComponent(name)}`;
const runPath = (name: string, id: string) => `${pipelinePath(name)}/runs/${encodeURIComponent(id)}`;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isIssue(value: unknown): value is Issue {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['path'] === 'string' && typeof v['message'] === 'string';
}

/** Why fetch failed, in words: `connect ECONNREFUSED 127.0.0.1:8080`, `no answer within 30000 ms`. */
export function networkReason(err: unknown, timeoutMs: number): string {
  if (err instanceof DOMException && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof AggregateError && cause.errors.length > 0) return (cause.errors[0] as Error).message;
  if (cause instanceof Error && cause.message) return cause.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

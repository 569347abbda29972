import { performance } from 'node:perf_hooks';
import { TERMINAL_JOB_STATUSES, type JobView } from '@partita/contracts';

/** One answer of the API, as a client sees it over HTTP. */
export interface ApiAnswer {
  status: number;
  /** The body as text (scanned by the secrets test). */
  text: string;
  /** The response headers, names in lower case. */
  headers: Record<string, string>;
  /** Parsed when the body is JSON, else undefined. */
  json: unknown;
  /** From sending the request to having read the whole body. */
  ms: number;
}

/** A minimal HTTP client of the master's REST API (real HTTP, not `inject`), optionally sending a bearer token. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
    const h: Record<string, string> = { ...headers };
    if (this.token !== undefined) h['authorization'] = `Bearer ${this.token}`;
    if (body !== undefined) h['content-type'] = 'application/json';
    const t0 = performance.now();
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const ms = performance.now() - t0;
    let json: unknown;
    try {
      json = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, text, headers: Object.fromEntries(res.headers), json, ms };
  }

  /** POST /jobs; throws unless accepted (202). */
  async submit(spec: unknown): Promise<string> {
    const answer = await this.request('POST', '/jobs', spec);
    const id = (answer.json as { id?: string } | undefined)?.id;
    if (answer.status !== 202 || !id) throw new Error(`POST /jobs: ${answer.status} ${answer.text}`);
    return id;
  }

  async getJob(id: string): Promise<JobView> {
    const answer = await this.request('GET', `/jobs/${id}`);
    if (answer.status !== 200) throw new Error(`GET /jobs/${id}: ${answer.status} ${answer.text}`);
    return answer.json as JobView;
  }

  async waitForJob(id: string, timeoutMs = 120_000): Promise<JobView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.getJob(id);
      if (TERMINAL_JOB_STATUSES.includes(job.status)) return job;
      if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms: ${JSON.stringify(job.progress)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * One request to the stack's current master (`baseUrl` is read at each call: a restarted master moves), with the
 * answer's body as loosely typed JSON for a test's assertions.
 */
export async function api(
  stack: { baseUrl: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any }> {
  const answer = await new ApiClient(stack.baseUrl).request(method, path, body);
  return { status: answer.status, json: answer.json };
}

import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '@partita/contracts';
import { formatRatio, formatSpeedup } from '@partita/format';
import { launchChromium } from '../support/chromium.js';
import { startStack, useStack, type TestStack } from '../support/stack.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACT = `${ROOT}test-artifacts/job-page.png`;
const DOCS_SCREENSHOT = `${ROOT}docs/job-page.png`;

/** A small generated travel plan: partitions of a few hundred milliseconds each, enough for both workers. */
const travelSpec = (container: string) => ({
  kind: 'travel-plan',
  input: { generate: { groups: 200, seed: 11 } },
  optimizer: { algorithm: 'genetic', restarts: 4 },
  partitioner: 'cost-aware',
  partitions: 8,
  output: { container, prefix: 'page' },
  dataset: { name: 'job-page', description: 'job page test', tags: { suite: 'e2e' } },
});

describe('job page: served at /, next to the API and its docs', () => {
  const ctx = useStack({ workers: 0 });

  it('serves the page, its assets, the API and the OpenAPI document side by side', async () => {
    const { baseUrl } = ctx.stack;
    const page = await fetch(`${baseUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('id="jobs"');
    expect(html).toContain('/ui/app.js');

    const script = await fetch(`${baseUrl}/ui/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    const style = await fetch(`${baseUrl}/ui/style.css`);
    expect(style.status).toBe(200);
    expect(style.headers.get('content-type')).toMatch(/^text\/css/);
    expect((await fetch(`${baseUrl}/ui/missing.js`)).status).toBe(404);
    // The page's modules, and the formatting module they share with the CLI; not the compiler's declarations.
    expect((await fetch(`${baseUrl}/ui/views/job.js`)).status).toBe(200);
    const format = await fetch(`${baseUrl}/ui/format/index.js`);
    expect(format.status).toBe(200);
    expect(format.headers.get('content-type')).toMatch(/javascript/);
    expect(await format.text()).toContain('./numbers.js');
    expect((await fetch(`${baseUrl}/ui/format/index.d.ts`)).status).toBe(404);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self';.*style-src 'self';/);

    const docs = await fetch(`${baseUrl}/docs/json`);
    expect(docs.status).toBe(200);
    const openapi = (await docs.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/jobs', '/jobs/{id}', '/datasets']));
    // The page and its assets are not part of the API.
    expect(Object.keys(openapi.paths).filter((p) => p === '/' || p.startsWith('/ui'))).toEqual([]);
    expect((await fetch(`${baseUrl}/docs`, { redirect: 'follow' })).status).toBe(200);
    // Swagger UI's own static files, served by its own @fastify/static instance.
    const swaggerAsset = await fetch(`${baseUrl}/docs/static/swagger-ui-bundle.js`);
    expect(swaggerAsset.status).toBe(200);
    await swaggerAsset.arrayBuffer();

    const jobs = await fetch(`${baseUrl}/jobs`);
    expect(jobs.status).toBe(200);
    expect(jobs.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await jobs.json()).toEqual({ items: [], nextCursor: null });
  });
});

describe('job page in Chromium: the list, a job, its timeline by worker and its slowest partitions', () => {
  const ctx = useStack({ workers: 2 });

  it('shows a finished job with one bar per partition in one lane per worker', { timeout: 180_000 }, async () => {
    const { stack } = ctx;
    // First: without a browser there is nothing to check.
    const browser = await launchChromium();
    try {
      const id = await stack.submit(travelSpec(stack.container));
      const job: JobView = await stack.waitForJob(id);
      expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
      const workers = [...new Set(job.partitions.map((p) => p.workerId))];
      expect(workers.every((w) => typeof w === 'string')).toBe(true);

      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('response', (res) => {
        if (res.status() >= 400) problems.push(`${res.status()} ${res.url()}`);
      });
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
      });
      // A token in localStorage is sent as a bearer header with every API call.
      await page.addInitScript({ content: `localStorage.setItem('partitaToken', 'page-test-token');` });
      const apiAuth: (string | undefined)[] = [];
      page.on('request', (req) => {
        if (new URL(req.url()).pathname.startsWith('/jobs')) apiAuth.push(req.headers()['authorization']);
      });

      // The list: the finished job, succeeded, all partitions done.
      await page.goto(`${stack.baseUrl}/`);
      const row = page.locator(`#jobs tbody tr[data-job-id="${id}"]`);
      await row.waitFor();
      expect(await row.locator('.badge').textContent()).toBe('succeeded');
      expect(await row.textContent()).toContain(id.slice(0, 8));
      expect(await row.textContent()).toContain(`${job.progress.total}/${job.progress.total} partitions`);
      expect(await page.locator('#job').isHidden()).toBe(true);

      // Opening it: the job's figures, from the same API view.
      await row.click();
      await page.waitForURL(`**/?job=${id}`);
      const bars = page.locator('#timeline [data-partition]');
      await expect.poll(() => bars.count(), { timeout: 10_000 }).toBe(job.partitions.length);
      const current = await stack.getJob(id);
      expect(await page.locator('#job-id').textContent()).toBe(id);
      expect(await page.locator('#job-status').textContent()).toBe('succeeded');
      // Figures printed by the formatting module the CLI prints with.
      expect(await page.locator('#speedup').textContent()).toBe(formatSpeedup(current.timings.speedup));
      expect(await page.locator('#efficiency').textContent()).toBe(formatRatio(current.timings.efficiency));
      expect(await page.locator('#workers').textContent()).toBe(String(current.timings.workers));

      // The timeline: one lane per worker of the API's view, each bar in its partition's worker lane.
      const drawn = await bars.evaluateAll((els) =>
        els.map((el) => ({
          partition: Number(el.getAttribute('data-partition')),
          worker: el.getAttribute('data-worker'),
          x: Number(el.getAttribute('x')),
          width: Number(el.getAttribute('width')),
        })),
      );
      expect(drawn.map((b) => b.partition).sort((a, b) => a - b)).toEqual(job.partitions.map((p) => p.index).sort((a, b) => a - b));
      const lanes = await page.locator('#timeline .lane').evaluateAll((els) => els.map((el) => el.getAttribute('data-lane')));
      expect([...lanes].sort()).toEqual([...workers].sort());
      expect(new Set(drawn.map((b) => b.worker))).toEqual(new Set(workers));
      const byIndex = new Map(job.partitions.map((p) => [p.index, p]));
      for (const bar of drawn) {
        expect(bar.worker).toBe(byIndex.get(bar.partition)?.workerId);
        expect(bar.width).toBeGreaterThan(0);
      }
      // Within a lane, a partition that started later is never drawn to the left of one that started earlier.
      for (const worker of workers) {
        const inLane = drawn
          .filter((b) => b.worker === worker)
          .map((b) => ({ ...b, startedAt: Date.parse(byIndex.get(b.partition)?.startedAt ?? '') }))
          .sort((a, b) => a.startedAt - b.startedAt);
        for (let i = 1; i < inLane.length; i++) {
          const [prev, next] = [inLane[i - 1]!, inLane[i]!];
          if (next.startedAt > prev.startedAt) expect(next.x, `lane ${worker}`).toBeGreaterThan(prev.x);
          else expect(next.x).toBeCloseTo(prev.x, 1);
        }
      }
      // A bar's tooltip names its partition, run time, queue wait and attempts.
      const title = await page.locator(`#timeline [data-partition="${job.partitions[0]!.index}"] title`).textContent();
      expect(title).toMatch(new RegExp(`^Partition ${job.partitions[0]!.index} `));
      expect(title).toMatch(/run .*\n.*queue wait .*\n.*attempts 1/s);

      // The slowest partitions: the longest run first, in descending order.
      const slowest = await page
        .locator('#slowest tbody tr')
        .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-partition'))));
      expect(slowest).toHaveLength(Math.min(5, job.partitions.length));
      const runs = slowest.map((index) => byIndex.get(index)?.runMs ?? -1);
      const maxRun = Math.max(...job.partitions.map((p) => p.runMs ?? -1));
      expect(runs[0]).toBe(maxRun);
      expect([...runs].sort((a, b) => b - a)).toEqual(runs);

      // Every API call carried the token; nothing failed in the page (scripts, styles, policy).
      expect(apiAuth.length).toBeGreaterThanOrEqual(2);
      expect(apiAuth.every((h) => h === 'Bearer page-test-token')).toBe(true);
      expect(problems).toEqual([]);

      mkdirSync(`${ROOT}test-artifacts`, { recursive: true });
      await page.screenshot({ path: ARTIFACT, fullPage: true });
      if (process.env['UPDATE_SCREENSHOTS'] === '1') {
        mkdirSync(`${ROOT}docs`, { recursive: true });
        copyFileSync(ARTIFACT, DOCS_SCREENSHOT);
      }

      // A link with the id in the fragment opens the same job.
      const direct = await context.newPage();
      await direct.goto(`${stack.baseUrl}/#${id}`);
      await direct.locator('#timeline [data-partition]').first().waitFor();
      expect(await direct.locator('#job-id').textContent()).toBe(id);
      expect(await direct.locator('#timeline [data-partition]').count()).toBe(job.partitions.length);
    } finally {
      await browser.close();
    }
  });
});

describe('job page in Chromium with API_AUTH on: the token form', () => {
  const READ = randomBytes(24).toString('base64url');
  const WRITE = randomBytes(24).toString('base64url');
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { API_AUTH: 'on', API_TOKENS: `viewer:read:${READ},ci:write:${WRITE}` } });
  });
  afterAll(async () => {
    await stack?.close(true);
  });

  it(
    'asks for a token when the API answers 401, takes a read token, then lists the jobs; signing out asks again',
    { timeout: 120_000 },
    async () => {
      const browser = await launchChromium();
      try {
        const submitted = await fetch(`${stack.baseUrl}/jobs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${WRITE}` },
          body: JSON.stringify(travelSpec(stack.container)),
        });
        expect(submitted.status).toBe(202);
        const { id } = (await submitted.json()) as { id: string };

        const context = await browser.newContext();
        const page = await context.newPage();
        const problems: string[] = [];
        page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
        // The browser reports each 401 as a failed resource; anything else is a problem.
        page.on('console', (msg) => {
          if (msg.type() === 'error' && !/status of 401/.test(msg.text())) problems.push(`console: ${msg.text()}`);
        });
        const statuses: number[] = [];
        page.on('response', (res) => {
          if (new URL(res.url()).pathname === '/jobs') statuses.push(res.status());
        });

        // No token: the API answers 401 and the page shows the form instead of the list.
        await page.goto(`${stack.baseUrl}/`);
        const form = page.locator('#signin');
        await form.waitFor();
        expect(statuses).toContain(401);
        expect(await page.locator('#jobs tbody tr').count()).toBe(0);
        expect(await page.locator('#error').isHidden()).toBe(true);
        expect(await page.locator('#signout').isHidden()).toBe(true);

        // A wrong token is refused in the form.
        await page.locator('#token').fill(randomBytes(24).toString('base64url'));
        await page.locator('#signin-form button[type="submit"]').click();
        await expect.poll(() => page.locator('#signin-error').textContent()).toBe('The token was not accepted.');
        expect(await form.isVisible()).toBe(true);

        // The read token: the form goes, the job is listed, the token is kept and sent, and the session cookie is set.
        await page.locator('#token').fill(READ);
        await page.locator('#signin-form button[type="submit"]').click();
        const row = page.locator(`#jobs tbody tr[data-job-id="${id}"]`);
        await row.waitFor();
        expect(await form.isHidden()).toBe(true);
        expect(await row.textContent()).toContain(id.slice(0, 8));
        expect(await page.evaluate("localStorage.getItem('partitaToken')")).toBe(READ);
        expect(statuses.at(-1)).toBe(200);
        const cookies = await context.cookies(stack.baseUrl);
        expect(cookies.find((c) => c.name === 'partita_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
        expect(await page.locator('#signout').isVisible()).toBe(true);

        // A reload keeps the session: the saved token is sent at once.
        await page.reload();
        await row.waitFor();
        expect(await form.isHidden()).toBe(true);

        // Signing out clears the token and the cookie, and the page asks again.
        await page.locator('#signout').click();
        await page.waitForLoadState('load');
        await form.waitFor();
        expect(await page.evaluate("localStorage.getItem('partitaToken')")).toBeNull();
        expect((await context.cookies(stack.baseUrl)).filter((c) => c.name === 'partita_session')).toEqual([]);
        expect(await page.locator('#jobs tbody tr').count()).toBe(0);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    },
  );
});

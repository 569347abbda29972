import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DatasetHistory, JobView, KindList, PipelineRunView } from '@partita/contracts';
import { formatBytes, formatCount } from '@partita/format';
import { launchChromium, screenshot, watchProblems } from '../support/chromium.js';
import { useSourceSchema } from '../support/source-schema.js';
import { useStack, type TestStack } from '../support/stack.js';

// The page's views in Chromium, against a real stack with API_AUTH on: pipelines (start and cancel a run), the
// extract job a run made, datasets, kinds; a read token sees every view and no write button.

const READ = randomBytes(24).toString('base64url');
const WRITE = randomBytes(24).toString('base64url');
const ROWS = 3000;
/** The example programs: what the Kinds view shows under the program kind (master and workers read the file). */
const PROGRAMS = fileURLToPath(new URL('../../examples/programs/programs.yaml', import.meta.url));

async function call<T>(stack: TestStack, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${WRITE}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${stack.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function signedIn(browser: Browser, token: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await context.addInitScript({ content: `localStorage.setItem('partitaToken', ${JSON.stringify(token)});` });
  const page = await context.newPage();
  return { context, page, problems: watchProblems(page) };
}

describe('the page in Chromium: pipelines, an extract job, datasets and kinds', () => {
  // The master runs in this process and reads its PARTITA_PROGRAMS; the worker processes get it from the stack.
  beforeAll(() => {
    process.env['PARTITA_PROGRAMS'] = PROGRAMS;
  });
  afterAll(() => {
    delete process.env['PARTITA_PROGRAMS'];
  });
  const ctx = useStack({
    workers: 2,
    env: { API_AUTH: 'on', API_TOKENS: `viewer:read:${READ},ci:write:${WRITE}`, PARTITA_PROGRAMS: PROGRAMS },
  });
  const source = useSourceSchema();

  it(
    'shows each view from the API, starts and cancels a run with a write token, and no write button to a read token',
    { timeout: 240_000 },
    async () => {
      const { stack } = ctx;
      const s = source.schema;
      await source.sql(`
      create table ${s}.orders (id bigint primary key, customer int not null, amount numeric(12,2), placed date);
      insert into ${s}.orders select g, g % 97, (g * 7 % 10000) / 100.0, date '2024-01-01' + g % 365 from generate_series(1, ${ROWS}) g;
      analyze ${s}.orders;`);
      const name = `shop-${s}`;
      const dataset = `orders-${s}`;
      await call(stack, 'PUT', `/pipelines/${name}`, {
        description: 'nightly copy of the shop tables',
        settings: { chunks: { count: 2 }, container: stack.container, tags: { team: 'data' } },
        schedule: { cron: '0 3 * * *', timezone: 'UTC' },
        entries: [{ name: 'orders', source: { table: `${s}.orders` }, sink: { dataset }, settings: { chunks: { count: 3 } } }],
      });

      const browser = await launchChromium();
      try {
        const { page, problems } = await signedIn(browser, WRITE);

        // Pipelines: the list, then the pipeline with its schedule and each entry's effective settings and origin.
        await page.goto(`${stack.baseUrl}/?view=pipelines`);
        await page.locator(`#pipelines tr[data-pipeline="${name}"]`).waitFor();
        expect(await page.locator(`#pipelines tr[data-pipeline="${name}"]`).textContent()).toContain('1/1');
        await page.locator(`#pipelines a:text("${name}")`).click();
        await page.locator('#pipeline-name').waitFor();
        expect(await page.locator('#schedule').textContent()).toMatch(/^0 3 \* \* \* \(UTC\) · next \d{4}-\d\d-\d\d 0?\d:00:00$/);
        const setting = (key: string) => page.locator(`[data-entry="orders"] tr[data-setting="${key}"]`);
        expect(await setting('chunks').textContent()).toBe('chunks{"count":3}entry');
        expect(await setting('container').textContent()).toBe(`container${stack.container}pipeline`);
        expect(await setting('rowsPerRowGroup').textContent()).toBe(`rowsPerRowGroup131072default`);

        // Start a run from the page: the run shows, with its entry's job, until it succeeds.
        await page.locator('#start-run').click();
        await page.waitForURL(/run=/);
        const runId = new URL(page.url()).searchParams.get('run')!;
        const runRow = page.locator(`#runs tr[data-run="${runId}"]`);
        await expect.poll(() => runRow.getAttribute('data-status'), { timeout: 90_000 }).toBe('succeeded');
        const run = await call<PipelineRunView>(stack, 'GET', `/pipelines/${name}/runs/${runId}`);
        expect(run.status).toBe('succeeded');
        const jobId = run.entries[0]!.job!.id;
        await expect.poll(() => page.locator('#run-entries tr[data-run-entry="orders"]').getAttribute('data-status')).toBe('succeeded');
        expect(await page.locator('#run-entries tr[data-run-entry="orders"]').textContent()).toContain(
          `${formatCount(ROWS)}/${formatCount(ROWS)} rows`,
        );
        expect(await runRow.textContent()).toContain(`1/1 entries · 3/3 partitions · ${formatCount(ROWS)}/${formatCount(ROWS)} rows`);
        expect(await page.locator('.cancel-run').count()).toBe(0);
        await screenshot(page, 'page-pipeline');

        // The extract job the run made: its chunks, planned against read rows, the snapshot and the completeness check.
        await page.locator(`#run-entries a[data-job-link="${jobId}"]`).click();
        await page.locator('#extract').waitFor();
        const job = await call<JobView>(stack, 'GET', `/jobs/${jobId}`);
        expect(job.extract).not.toBeNull();
        expect(await page.locator('#job-id').textContent()).toBe(jobId);
        const chunks = await page
          .locator('#chunks tbody tr')
          .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
        expect(chunks).toHaveLength(3);
        expect(chunks.map((c) => c[2])).toEqual(job.extract!.chunkRows.map((n) => formatCount(n)));
        expect(chunks.map((c) => c[3])).toEqual(job.partitions.map((p) => formatCount(p.rows ?? -1)));
        expect(job.partitions.reduce((sum, p) => sum + (p.rows ?? 0), 0)).toBe(ROWS);
        expect(await page.locator('#completeness').textContent()).toBe('complete');
        expect(await page.locator('[data-fact="Snapshot"]').textContent()).toMatch(/^exported/);
        expect(await page.locator('[data-fact="Rows written"]').textContent()).toBe(formatCount(ROWS));
        expect(await page.locator('#failures').count()).toBe(0);
        await screenshot(page, 'page-extract-job');

        // Datasets: the list with the latest version's figures, then the dataset's versions, schema and files.
        const history = await call<DatasetHistory>(stack, 'GET', `/datasets/${dataset}`);
        const latest = history.versions[0]!;
        await page.goto(`${stack.baseUrl}/?view=datasets`);
        const dsRow = page.locator(`#datasets tr[data-dataset="${dataset}"]`);
        await dsRow.waitFor();
        const dsCells = await dsRow.locator('td').allTextContents();
        expect(dsCells).toEqual([
          dataset,
          '',
          'v1',
          '1',
          'sql-extract',
          formatCount(ROWS),
          formatCount(latest.files),
          formatBytes(latest.bytes),
          expect.any(String),
          jobId.slice(0, 8),
        ]);
        await screenshot(page, 'page-datasets');
        await dsRow.locator('a.strong').click();
        await page.locator('#versions').waitFor();
        expect(await page.locator('#dataset-name').textContent()).toBe(dataset);
        expect(await page.locator('#versions tr[data-version="1"] a').getAttribute('href')).toBe(`/?job=${jobId}`);
        expect(await page.locator('#schema tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-column')))).toEqual(
          latest.schema.map((c) => c.name),
        );
        expect(await page.locator('#files tbody tr').count()).toBe(latest.files);
        await screenshot(page, 'page-dataset');

        // Kinds: every kind with its version and live workers, and its spec schema.
        const kinds = await call<KindList>(stack, 'GET', '/kinds');
        await page.goto(`${stack.baseUrl}/?view=kinds`);
        await page.locator('article[data-kind]').first().waitFor();
        expect(await page.locator('article[data-kind]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).toEqual(
          kinds.items.map((k) => k.name),
        );
        const extractKind = kinds.items.find((k) => k.name === 'sql-extract')!;
        const card = page.locator('article[data-kind="sql-extract"]');
        expect(await card.locator('h2').textContent()).toBe(`sql-extract v${extractKind.version}`);
        expect(await card.locator('[data-workers]').textContent()).toBe(`${extractKind.workers.length} live workers`);
        expect(extractKind.workers).toHaveLength(2);
        // The program kind's registered programs, as its offerings hook describes them.
        const programs = kinds.items.find((k) => k.name === 'program')!.offerings!;
        expect(programs.items.map((p) => p.name)).toEqual(['grid-search', 'travel-ga']);
        const offered = page.locator('article[data-kind="program"] article.offering');
        expect(await offered.evaluateAll((els) => els.map((e) => e.getAttribute('data-offering')))).toEqual(['grid-search', 'travel-ga']);
        const gridSearch = page.locator('article.offering[data-offering="grid-search"]');
        expect(await gridSearch.locator('[data-fact="runs"]').textContent()).toBe('Python · python3 grid_search.py');
        expect(await gridSearch.locator('[data-fact="params"]').textContent()).toBe('folds? integer, seed? integer');
        expect(await gridSearch.locator('[data-fact="columns"]').textContent()).toMatch(/^kernel UTF8, c DOUBLE, .*fit_seconds DOUBLE$/);
        expect(await page.locator('article[data-kind="sql-extract"] section[data-offerings]').count()).toBe(0);
        await screenshot(page, 'page-kinds');

        // Cancel a run from the page: with the workers paused its job waits, and the run ends cancelled.
        await stack.pauseWorkers();
        try {
          await page.goto(`${stack.baseUrl}/?view=pipelines&name=${name}`);
          await page.locator('#start-run').click();
          await page.waitForURL((url) => url.searchParams.get('run') !== null && url.searchParams.get('run') !== runId);
          const second = new URL(page.url()).searchParams.get('run')!;
          const cancel = page.locator(`#runs tr[data-run="${second}"] .cancel-run`);
          await cancel.waitFor();
          await cancel.click();
          await expect
            .poll(() => page.locator(`#runs tr[data-run="${second}"]`).getAttribute('data-status'), { timeout: 30_000 })
            .toBe('cancelled');
          expect((await call<PipelineRunView>(stack, 'GET', `/pipelines/${name}/runs/${second}`)).status).toBe('cancelled');
        } finally {
          await stack.resumeWorkers();
        }
        expect(problems).toEqual([]);

        // A read token: every view, and no write button on any.
        const reader = await signedIn(browser, READ);
        const views = [
          `/?view=pipelines&name=${name}&run=${runId}`,
          `/?job=${jobId}`,
          '/',
          `/?view=datasets&name=${dataset}`,
          '/?view=kinds',
        ];
        for (const path of views) {
          await reader.page.goto(`${stack.baseUrl}${path}`);
          await reader.page.locator('#view > *, #job:not([hidden]), #jobs tbody tr').first().waitFor();
          await reader.page.waitForLoadState('networkidle');
          expect(await reader.page.locator('button.write').count(), path).toBe(0);
          expect(await reader.page.locator('#signin').isHidden()).toBe(true);
        }
        expect(await reader.page.locator('#start-run').count()).toBe(0);
        expect(reader.problems).toEqual([]);
      } finally {
        await browser.close();
      }
    },
  );
});

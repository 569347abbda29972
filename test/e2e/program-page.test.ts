import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { KindList } from '@partita/contracts';
import { launchChromium, watchProblems } from '../support/chromium.js';
import { useProgramsStack } from '../support/programs-stack.js';

// The page in Chromium for programs, against a real stack whose master and workers know the test programs: a
// failed program job shows each failed partition's stderr tail, and the Kinds view lists the registered programs.

const PROGRAMS = fileURLToPath(new URL('../fixtures/programs/programs.yaml', import.meta.url));
/** The last line `fails.py` writes to stderr before it exits 3, after 20,000 lines of noise. */
const LAST_LINE = "ValueError: the column 'price' has negative values";

describe('the page in Chromium for programs: stderr tails of failed partitions, the registered programs', () => {
  const shared = useProgramsStack(PROGRAMS);

  it('shows a failed program’s stderr tail under each failed partition, with no console error', { timeout: 120_000 }, async () => {
    const { stack } = shared;
    const id = await stack.submit({
      kind: 'program',
      program: 'fails',
      input: { range: 2 },
      partitions: 2,
      retry: { attempts: 1, backoffMs: 10 },
      output: { container: stack.container, prefix: 'fails' },
    });
    const job = await stack.waitForJob(id);
    expect(job.status).toBe('failed');
    const failed = job.partitions.filter((p) => p.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const p of failed) expect(p.error?.message).toContain(`; stderr ends with: `);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems = watchProblems(page);
      page.on('response', (res) => {
        if (res.status() >= 400) problems.push(`${res.status()} ${res.url()}`);
      });
      await page.goto(`${stack.baseUrl}/?job=${id}`);
      await page.locator('#failures').waitFor();
      expect(await page.locator('#job-id').textContent()).toBe(id);
      const shown = await page.locator('#failures article.failure').evaluateAll((els) => els.map((e) => e.getAttribute('data-partition')));
      expect(shown).toEqual(failed.map((p) => String(p.index)));
      for (const p of failed) {
        const article = page.locator(`#failures article.failure[data-partition="${p.index}"]`);
        // What happened, without the stderr; then the stderr's end in its own block, ending with the program's last line.
        const said = await article.locator('.failure-said').textContent();
        expect(said).toMatch(/^program fails /);
        expect(said).not.toContain('stderr ends with');
        const stderr = (await article.locator('pre.stderr').textContent()) ?? '';
        expect(stderr.endsWith(LAST_LINE)).toBe(true);
        expect(stderr).toContain('noise line 19999');
        // Only the tail is kept: the first noise lines are gone.
        expect(stderr).not.toMatch(/noise line 0\n/);
        expect(Buffer.byteLength(stderr)).toBeLessThanOrEqual(4096);
        expect(p.error!.message.endsWith(stderr)).toBe(true);
      }
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('lists the registered programs under the program kind: version, what each runs, params and columns', { timeout: 60_000 }, async () => {
    const { stack } = shared;
    const kinds = (await stack.master.app.inject({ method: 'GET', url: '/kinds' })).json<KindList>();
    const offered = kinds.items.find((k) => k.name === 'program')!.offerings!;
    const registered = [...readFileSync(PROGRAMS, 'utf8').matchAll(/^ {2}- name: (\S+)$/gm)].map((m) => m[1]);
    expect(offered.items.map((p) => p.name)).toEqual(registered);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems = watchProblems(page);
      await page.goto(`${stack.baseUrl}/?view=kinds`);
      const card = page.locator('article[data-kind="program"]');
      await card.locator('section[data-offerings="programs"]').waitFor();
      expect(await card.locator('section[data-offerings="programs"] h3').textContent()).toBe(
        `Programs ${registered.length} · a job names one in program`,
      );
      expect(await card.locator('article.offering').evaluateAll((els) => els.map((e) => e.getAttribute('data-offering')))).toEqual(
        registered,
      );
      const square = card.locator('article.offering[data-offering="square"]');
      expect(await square.locator('h4').textContent()).toBe('square');
      expect(await square.locator('[data-fact="runs"]').textContent()).toBe('Python · python3 square.py');
      expect(await square.locator('[data-fact="input"]').textContent()).toBe('JSON lines');
      expect(await square.locator('[data-fact="params"]').textContent()).toBe('scale integer');
      expect(await square.locator('[data-fact="columns"]').textContent()).toBe('x INT32, y INT64, attempt INT32, at TIMESTAMP_MICROS');
      const csv = card.locator('article.offering[data-offering="csv-echo"]');
      expect(await csv.locator('[data-fact="input"]').textContent()).toBe('CSV');
      expect(await csv.locator('[data-fact="columns"]').textContent()).toBe('id INT64, label UTF8?, at TIMESTAMP_MICROS?');
      expect(await card.locator('article.offering[data-offering="hangs"] [data-fact="timeout"]').textContent()).toBe('1 s per partition');
      // The params schema itself, as JSON Schema.
      expect(JSON.parse((await square.locator('details.spec pre').textContent()) ?? '')).toEqual(
        offered.items.find((p) => p.name === 'square')!.params,
      );
      // Nothing of the operator's: no folder, no argument's text.
      const text = (await card.textContent()) ?? '';
      expect(text).not.toContain('/usr/bin');
      expect(text).not.toContain('--wrong');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

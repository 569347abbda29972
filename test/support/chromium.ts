import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Debian's Chromium, driven by playwright-core; a test fails (never skips) when it is not there. */
export async function launchChromium(): Promise<Browser> {
  const hint = 'install the Debian packages chromium and chromium-driver (apt-get install chromium chromium-driver), or set CHROMIUM_PATH';
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: ${hint}`);
  try {
    return await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (err) {
    throw new Error(`Chromium at ${CHROMIUM} did not start (${hint}): ${(err as Error).message}`);
  }
}

/** Page errors and console errors, collected for a test to expect none. */
export function watchProblems(page: Page, ignore?: RegExp): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !(ignore && ignore.test(msg.text()))) problems.push(`console: ${msg.text()}`);
  });
  return problems;
}

/** A full-page screenshot in test-artifacts/, copied to docs/ with UPDATE_SCREENSHOTS=1 (the README shows those). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(`${ROOT}test-artifacts`, { recursive: true });
  const artifact = `${ROOT}test-artifacts/${name}.png`;
  await page.screenshot({ path: artifact, fullPage: true });
  if (process.env['UPDATE_SCREENSHOTS'] === '1') copyFileSync(artifact, `${ROOT}docs/${name}.png`);
}

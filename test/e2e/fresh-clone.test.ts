import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A newcomer's first commands on a clean clone: `npm ci`, then `npx partita --help`, with nothing built yet. */
describe('a fresh clone', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs `npx partita --help` right after `npm ci`', { timeout: 600_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), 'partita-clone-'));
    // The committed HEAD of this repository, as `git clone` gives it to a newcomer.
    await run('git', ['clone', '--quiet', '--no-hardlinks', ROOT, dir]);
    const env = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' };
    await run('npm', ['ci', '--prefer-offline'], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 });
    const help = await run('npx', ['--no-install', 'partita', '--help'], { cwd: dir, env });
    expect(help.stdout).toMatch(/^usage: partita \[options\] COMMAND/);
    expect(help.stderr).toMatch(/building the CLI/);
    // Built once: the second run starts at once, saying nothing.
    const again = await run('npx', ['--no-install', 'partita', '--help'], { cwd: dir, env });
    expect(again.stdout).toBe(help.stdout);
    expect(again.stderr).toBe('');
  });
});

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIR = fileURLToPath(new URL('../../sdk/python/', import.meta.url));

describe('sdk/python/partita_program.py', () => {
  it("passes its own tests with the machine's python3", () => {
    const run = spawnSync('/usr/bin/python3', ['-m', 'unittest', '-v', 'test_partita_program.py'], { cwd: DIR, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Ran [5-9] tests/);
    expect(run.stderr).not.toMatch(/skipped/);
  });
});

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DATABASE_URL, REDIS_URL } from '../support/env.js';
import { deletePrefix, dropSchema, uniqueName } from '../support/isolation.js';

const LOCAL_MAIN = fileURLToPath(new URL('../../apps/local/dist/main.js', import.meta.url));

interface WorkerLine {
  msg: string;
  pid: number;
  httpHost?: string;
  httpPort?: number;
}

/** The local runner (`npm start`): its workers' metrics stay on the loopback, and a worker that dies is started again. */
describe('the local runner', () => {
  it('serves worker metrics on 127.0.0.1 only, and restarts a worker killed with SIGKILL, saying so', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'partita-local-'));
    const schema = uniqueName('t_');
    const prefix = uniqueName('ptest-');
    const runner = spawn(process.execPath, [LOCAL_MAIN, '--workers', '1', '--port', '0'], {
      cwd: dir,
      env: { ...process.env, DATABASE_URL, REDIS_URL, CATALOG_SCHEMA: schema, QUEUE_PREFIX: prefix },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    runner.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    runner.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise((resolve) => runner.once('exit', resolve));
    const workerLines = async (): Promise<WorkerLine[]> =>
      (await readFile(join(dir, '.partita', 'logs', 'worker-1.log'), 'utf8').catch(() => ''))
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as WorkerLine)
        .filter((l) => l.msg === 'worker started');
    try {
      await expect.poll(() => out, { timeout: 60_000, interval: 200 }).toMatch(/running; Ctrl-C stops everything/);
      await expect.poll(async () => (await workerLines()).length, { timeout: 30_000, interval: 200 }).toBe(1);
      const [first] = await workerLines();
      expect(first).toMatchObject({ httpHost: '127.0.0.1', httpPort: expect.any(Number) as unknown });
      const health = await fetch(`http://127.0.0.1:${first!.httpPort}/healthz`);
      expect(health.status).toBe(200);

      process.kill(first!.pid, 'SIGKILL');
      await expect
        .poll(() => out, { timeout: 10_000, interval: 100 })
        .toMatch(/worker-1 exited \(SIGKILL\); restarting it in 1 s \(restart 1\)/);
      await expect.poll(async () => (await workerLines()).length, { timeout: 30_000, interval: 200 }).toBe(2);
      const second = (await workerLines())[1]!;
      expect(second.pid).not.toBe(first!.pid);
      expect(second.httpHost).toBe('127.0.0.1');
    } finally {
      runner.kill('SIGTERM');
      await exited;
      await dropSchema(schema);
      await deletePrefix(prefix);
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startStack } from '../support/stack.js';

const TELEMETRY = fileURLToPath(new URL('../../packages/telemetry/dist/index.js', import.meta.url));

interface Line {
  level: number;
  time: number;
  msg: string;
  app?: string;
  jobId?: string;
  partition?: number;
  workerId?: string;
}

describe('structured logs', () => {
  it('name the job, the partition and the worker on every line about a partition, and the worker on every worker line', async () => {
    const out = new PassThrough();
    const raw: string[] = [];
    let rest = '';
    out.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      raw.push(...parts);
    });
    const stack = await startStack({ workers: 2, workerMode: 'in-process', logs: out });
    let passed = false;
    try {
      const id = await stack.submit({
        kind: 'travel-plan',
        input: { generate: { groups: 40, seed: 3 } },
        partitions: 4,
        output: { container: stack.container, prefix: 'logs' },
      });
      const job = await stack.waitForJob(id);
      expect(job.status).toBe('succeeded');
      await new Promise((r) => setTimeout(r, 100));

      // Every line is one JSON object with a level, a time and a message.
      const lines = raw.filter(Boolean).map((l) => JSON.parse(l) as Line);
      for (const line of lines)
        expect(line).toMatchObject({ level: expect.any(Number), time: expect.any(Number), msg: expect.any(String) });

      const workerLines = lines.filter((l) => l.app === 'worker');
      expect(workerLines.length).toBeGreaterThan(0);
      for (const line of workerLines) expect(line.workerId, line.msg).toMatch(/^w[12]$/);

      const partitionLines = lines.filter((l) => l.msg.startsWith('partition '));
      // Started and succeeded, for each of the 4 partitions.
      expect(partitionLines.length).toBeGreaterThanOrEqual(8);
      for (const line of partitionLines) {
        expect(line, line.msg).toMatchObject({ jobId: id, partition: expect.any(Number), workerId: expect.stringMatching(/^w[12]$/) });
      }
      expect(new Set(partitionLines.map((l) => l.partition))).toEqual(new Set([0, 1, 2, 3]));

      const jobLines = lines.filter((l) => l.app === 'master' && /^job /.test(l.msg));
      expect(jobLines.map((l) => l.msg)).toEqual(expect.arrayContaining(['job enqueued', 'job succeeded']));
      for (const line of jobLines) expect(line.jobId, line.msg).toBe(id);
      passed = true;
    } finally {
      await stack.close(passed);
    }
  });

  it('are JSON when stdout is not a terminal, and pretty on a terminal', () => {
    const probe = `const { createLogger } = await import(${JSON.stringify(TELEMETRY)}); createLogger({ name: 'probe' }).info({ jobId: 'j1' }, 'hello');`;
    const piped = execFileSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
    expect(JSON.parse(piped)).toMatchObject({ name: 'probe', jobId: 'j1', msg: 'hello', level: 30 });
    // `script` gives the process a pseudo-terminal.
    const command = [process.execPath, '--input-type=module', '-e', probe].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const tty = execFileSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8' });
    expect(tty).toMatch(/INFO.*hello/);
    expect(() => JSON.parse(tty)).toThrow();
  });

  it('never show a token sent in the query string, whatever the parameter is called', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const token = randomBytes(24).toString('base64url');
    const stack = await startStack({ workers: 0, logs: out, env: { API_AUTH: 'on', API_TOKENS: `ci:write:${token}` } });
    try {
      for (const path of [`/jobs?token=${token}`, `/jobs?limit=5&access_token=${token}`, `/nope?x=${token}`, `/jobs?${token}`]) {
        await (await fetch(`${stack.baseUrl}${path}`)).arrayBuffer();
      }
      await (await fetch(`${stack.baseUrl}/jobs?limit=5&status=running`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer();
      await new Promise((r) => setTimeout(r, 100));
      const urls = text
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { req?: { url?: string } }).req?.url)
        .filter((u): u is string => u !== undefined);
      expect(urls).toEqual(
        expect.arrayContaining(['/jobs?[redacted]', '/jobs?limit=5&[redacted]', '/nope?[redacted]', '/jobs?limit=5&status=running']),
      );
      expect(text).not.toContain(token.slice(0, 16));
    } finally {
      await stack.close(true);
    }
  });
});

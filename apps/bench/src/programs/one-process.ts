// A registered program run once, in one process, on all of a workload's input: the baseline Partita is compared with.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Program } from '@partita/kind-program';

export interface OneProcessRun {
  /** From the process's start to its exit: start-up and imports included, as for every partition. */
  ms: number;
  /** Its output, one parsed JSON line per row. */
  rows: Record<string, unknown>[];
}

/**
 * Runs `program` as the protocol would for a single partition holding everything (`inputLines` and `params`), or with
 * `args` instead when it has a command line of its own. Fails with the end of stderr when it does not exit 0.
 */
export async function runInOneProcess(
  program: Program,
  options: { params?: Record<string, unknown>; inputLines?: readonly string[]; args?: readonly string[] },
): Promise<OneProcessRun> {
  const dir = await mkdtemp(join(tmpdir(), 'partita-one-process-'));
  try {
    const env: Record<string, string> = {};
    for (const name of program.env) if (process.env[name] !== undefined) env[name] = process.env[name]!;
    if (options.inputLines) {
      await writeFile(join(dir, 'input.jsonl'), options.inputLines.map((l) => `${l}\n`).join(''));
      await writeFile(join(dir, 'context.json'), JSON.stringify({ params: options.params ?? {}, columns: null }));
      Object.assign(env, { PARTITA_INPUT: join(dir, 'input.jsonl'), PARTITA_CONTEXT: join(dir, 'context.json') });
    }
    const [command, ...args] = program.command as [string, ...string[]];
    const argv = [...args.map((a) => (a.startsWith('./') ? resolve(program.base, a) : a)), ...(options.args ?? [])];
    const started = performance.now();
    const child = spawn(command, argv, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-4096)));
    const code = await new Promise<number | null>((done, fail) => child.once('error', fail).once('close', done));
    const ms = performance.now() - started;
    if (code !== 0) throw new Error(`${program.name} in one process exited with ${code}: ${stderr}`);
    return {
      ms,
      rows: stdout
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { PermanentError, TransientError } from '@partita/contracts';
import type { ColumnType } from '@partita/sdk';
import { writeInput, type ProgramInput } from './input-files.js';
import { eachLine, jsonLineRow } from './lines.js';
import { eachOutputFileRow } from './output-files.js';
import type { Program } from './registry.js';

/** The exit code a program uses to ask for another attempt (sysexits' EX_TEMPFAIL). */
export const EX_TEMPFAIL = 75;
/** The end of stderr kept for the partition's error. */
export const STDERR_TAIL_BYTES = 4096;
/** After SIGTERM, how long a program has before SIGKILL. */
export const KILL_GRACE_MS = 5000;

export interface ProgramRun {
  program: Program;
  columns: readonly { name: string; type: ColumnType }[];
  /** `context.json`: who runs, the params, the partition's units. */
  context: Record<string, unknown>;
  /** The partition's input: items, or the rows of whole groups with their columns. */
  input: ProgramInput;
  env: { jobId: string; partition: number; attempt: number };
  signal: AbortSignal;
  write(row: Record<string, unknown>): Promise<void>;
  progress(done: number): void;
}

/**
 * Runs a registered program for one partition: a private working directory with `context.json` and its input file,
 * the command without a shell in its own process group, a cleared environment (the program's allowed names and
 * PARTITA_*), JSON lines on stdout and then the files it left in PARTITA_OUTPUT_DIR written as the partition's rows,
 * `{"done": n}` lines on fd 3 as progress.
 * Exit 0 succeeds, 75 asks for another attempt, anything else fails for good with the end of stderr. The timeout,
 * a cancel or a shutdown sends SIGTERM to the process group, then SIGKILL after a grace.
 */
export async function runProgram(run: ProgramRun): Promise<{ rows: number }> {
  const { program } = run;
  const dir = await mkdtemp(join(tmpdir(), 'partita-program-'));
  try {
    await writeFile(join(dir, 'context.json'), JSON.stringify(run.context));
    const inputPath = await writeInput(program.input.format, dir, run.input);
    const outputDir = join(dir, 'output');
    await mkdir(outputDir);

    const env: Record<string, string> = {};
    for (const name of program.env) if (process.env[name] !== undefined) env[name] = process.env[name]!;
    Object.assign(env, {
      PARTITA_JOB_ID: run.env.jobId,
      PARTITA_PARTITION: String(run.env.partition),
      PARTITA_ATTEMPT: String(run.env.attempt),
      PARTITA_INPUT: inputPath,
      PARTITA_CONTEXT: join(dir, 'context.json'),
      PARTITA_OUTPUT_DIR: outputDir,
    });
    const [command, ...args] = program.command as [string, ...string[]];
    const executable = command.includes('/') && !isAbsolute(command) ? resolve(program.base, command) : command;
    const child = spawn(
      executable,
      args.map((a) => (a.startsWith('./') ? resolve(program.base, a) : a)),
      {
        cwd: dir,
        env,
        detached: true, // its own process group: a stop reaches whatever it started
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      },
    );
    // Set from callbacks: typed by an assertion so that the checks after the awaits below are not narrowed to null.
    let stopped = null as string | null;
    const stop = (why: string) => {
      if (stopped !== null || child.exitCode !== null || child.pid === undefined) return;
      stopped = why;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      setTimeout(() => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, KILL_GRACE_MS).unref();
    };
    const timer = setTimeout(() => stop(`timed out after ${program.timeoutSeconds} s (timeoutSeconds)`), program.timeoutSeconds * 1000);
    const onAbort = () => stop('stopped: the worker is shutting down');
    run.signal.addEventListener('abort', onAbort, { once: true });

    let tail = Buffer.alloc(0);
    child.stderr!.on('data', (chunk: Buffer) => {
      tail = Buffer.concat([tail, chunk]);
      if (tail.length > STDERR_TAIL_BYTES) tail = tail.subarray(tail.length - STDERR_TAIL_BYTES);
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit, rejectExit) => {
      child.once('error', rejectExit);
      child.once('exit', (code, signal) => resolveExit({ code, signal }));
    });
    let rows = 0;
    let stdoutBytes = 0;
    let failure = null as { error: unknown } | null;
    const reading = Promise.all([
      eachLine(
        child.stdout!,
        'output',
        async (line, n) => {
          await run.write(jsonLineRow('output', line, n, run.columns));
          rows++;
        },
        program.maxOutputBytes,
      ).then((bytes) => void (stdoutBytes = bytes)),
      eachLine(child.stdio[3] as Readable, 'progress', (line) => {
        const done = (JSON.parse(line) as { done?: unknown }).done;
        if (typeof done === 'number') run.progress(done);
      }).catch(() => undefined), // progress is advisory: a bad line does not fail the partition
    ]).catch((err: unknown) => {
      failure = { error: err };
      stop('stopped: its output was refused');
    });
    const result = await exited.catch((err: unknown) => {
      throw new PermanentError(`program ${program.name} could not start: ${(err as Error).message}`, err);
    });
    await reading;
    clearTimeout(timer);
    run.signal.removeEventListener('abort', onAbort);
    const stderr = tail.toString('utf8').trim();
    const said = stderr ? `; stderr ends with: ${stderr}` : '';
    if (failure) throw failure.error;
    if (stopped !== null) {
      if (run.signal.aborted) throw new TransientError(`program ${program.name} ${stopped}`);
      throw new PermanentError(`program ${program.name} ${stopped}${said}`);
    }
    if (result.code === 0) {
      // Then the files it left in its output directory, in name order.
      await eachOutputFileRow(outputDir, run.columns, program.maxOutputBytes, stdoutBytes, async (row) => {
        await run.write(row);
        rows++;
      });
      return { rows };
    }
    if (result.code === EX_TEMPFAIL) throw new TransientError(`program ${program.name} asked for another attempt (exit 75)${said}`);
    const how = result.code === null ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
    throw new PermanentError(`program ${program.name} ${how}${said}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

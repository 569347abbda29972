import type { ChildProcess } from 'node:child_process';
import { TERMINAL_JOB_STATUSES, type JobView } from '@partita/contracts';
import type { TestStack } from '../support/stack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every `everyMs` until it returns a value other than undefined. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Waits for the job to end, failing at once if one of `survivors` (default: every worker process of the stack) exits
 * meanwhile: for a fault the workers must ride out, a crash is the failure, not a slow takeover after it.
 */
export async function waitForJobWithLiveWorkers(
  stack: TestStack,
  id: string,
  timeoutMs = 60_000,
  survivors: readonly ChildProcess[] = [...stack.workerProcesses],
): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = survivors.find((c) => c.exitCode !== null || c.signalCode !== null);
    if (dead) throw new Error(`worker process ${dead.pid} exited (${dead.signalCode ?? `code ${dead.exitCode}`}) while job ${id} ran`);
    const job = await stack.getJob(id);
    if (TERMINAL_JOB_STATUSES.includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms: ${JSON.stringify(job.progress)}`);
    await sleep(100);
  }
}

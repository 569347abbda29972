import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A child Node process whose output goes to a log file. */
export interface Child {
  name: string;
  process: ChildProcess;
  logFile: string;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function startNodeProcess(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  logDir: string,
  options: { appendLog?: boolean } = {},
): Child {
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: options.appendLog ? 'a' : 'w' });
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    process: child,
    logFile,
    async stop(graceMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      log.end();
    },
  };
}

/**
 * A child Node process started again whenever it exits without being asked to (as Kubernetes restarts a pod's
 * container): after 1 s, doubling up to 30 s while it keeps dying within a minute of its start. `onRestart` says so.
 * `process` is the current one; `stop()` stops it and ends the supervision.
 */
export function superviseNodeProcess(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  logDir: string,
  onRestart: (event: { name: string; code: number | null; signal: NodeJS.Signals | null; delayMs: number; restarts: number }) => void,
): Child {
  let stopping = false;
  let restarts = 0;
  let delayMs = 1000;
  let timer: NodeJS.Timeout | undefined;
  let current = startNodeProcess(name, script, env, logDir);
  const watch = (child: Child, startedAt: number): void => {
    child.process.once('exit', (code, signal) => {
      if (stopping) return;
      delayMs = Date.now() - startedAt > 60_000 ? 1000 : restarts === 0 ? 1000 : Math.min(30_000, delayMs * 2);
      restarts++;
      onRestart({ name, code, signal, delayMs, restarts });
      timer = setTimeout(() => {
        if (stopping) return;
        current = startNodeProcess(name, script, env, logDir, { appendLog: true });
        watch(current, Date.now());
      }, delayMs);
    });
  };
  watch(current, Date.now());
  return {
    name,
    get process() {
      return current.process;
    },
    get logFile() {
      return current.logFile;
    },
    async stop(graceMs?: number) {
      stopping = true;
      clearTimeout(timer);
      await current.stop(graceMs);
    },
  };
}

/** `preferred` when it is free on 127.0.0.1, else any free port. */
export async function freePort(preferred?: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(null));
      srv.listen(port, '127.0.0.1', () => {
        const address = srv.address();
        const got = typeof address === 'object' && address ? address.port : null;
        srv.close(() => resolve(got));
      });
    });
  if (preferred !== undefined) {
    const got = await tryListen(preferred);
    if (got !== null) return got;
  }
  const any = await tryListen(0);
  if (any === null) throw new Error('no free port on 127.0.0.1');
  return any;
}

/**
 * Polls `url` until it answers 2xx: a service child is up. Fails at once when the child exits, or after `timeoutMs`,
 * naming its log file.
 */
export async function waitUntilReady(url: string, child: Child, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`the ${child.name} exited (code ${child.process.exitCode}); see ${child.logFile}`);
    const ok = await fetch(url)
      .then((r) => r.ok)
      .catch(() => false); // not listening yet
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the ${child.name} was not ready within ${timeoutMs} ms; see ${child.logFile}`);
}

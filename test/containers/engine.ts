// The container engine and the compose stack under test, driven through their command-line tools: what a user types.
// The stack is the real docker-compose.yml; deploy/docker/compose.offline.yml swaps only the services' image names
// for the bases deploy/docker/offline-base.sh builds without a registry.
import { execFile, execFileSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** Compose project: its own containers, network and volumes, removed at the end. */
export const PROJECT = process.env['PARTITA_CT_PROJECT'] ?? 'partita-ct';
const FILES = ['-f', 'docker-compose.yml', '-f', 'deploy/docker/compose.offline.yml'];

export interface Run {
  stdout: string;
  stderr: string;
}

/** A line on stderr with the time since the run started: the container tests take minutes, and say where they are. */
const started = Date.now();
export function say(line: string): void {
  process.stderr.write(`[containers ${((Date.now() - started) / 1000).toFixed(1)} s] ${line}\n`);
}

/** Runs a command in the repository; rejects with its output when it fails. */
export function run(cmd: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Run> {
  const quiet = args[0] === 'inspect'; // polled
  if (!quiet) say(`${cmd} ${args.join(' ').slice(0, 160)}`);
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { cwd: REPO, env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 600_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (!quiet) say(`${cmd} ${args.at(-1)} ${err ? 'failed' : 'done'}`);
        if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr.slice(-4000)}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

/** `docker compose` (the plugin) where the engine has it, else Debian's `docker-compose`. */
const COMPOSE: readonly string[] = (() => {
  try {
    execFileSync('docker', ['compose', 'version'], { stdio: 'ignore' });
    return ['docker', 'compose'];
  } catch {
    return ['docker-compose'];
  }
})();

export function compose(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Run> {
  return run(COMPOSE[0]!, [...COMPOSE.slice(1), ...FILES, '-p', PROJECT, ...args], options);
}

export async function docker(args: readonly string[], timeoutMs?: number): Promise<string> {
  return (await run('docker', args, timeoutMs === undefined ? {} : { timeoutMs })).stdout.trim();
}

/** Ids of a service's running containers (a stopped or killed one is not among them), by compose's labels. */
export async function containersOf(service: string): Promise<string[]> {
  const labels = [`com.docker.compose.project=${PROJECT}`, `com.docker.compose.service=${service}`];
  return (await docker(['ps', '-q', '--no-trunc', ...labels.flatMap((l) => ['--filter', `label=${l}`])])).split('\n').filter(Boolean);
}

export interface ContainerState {
  id: string;
  hostname: string;
  running: boolean;
  exitCode: number;
  health: string | null;
  user: string;
  /** The image's id, the networks it is on, its environment (`NAME=value`). */
  image: string;
  networks: string[];
  env: string[];
}

export async function inspect(id: string): Promise<ContainerState> {
  const [c] = JSON.parse(await docker(['inspect', id])) as Array<{
    Id: string;
    Image: string;
    Config: { Hostname: string; User: string; Env: string[] };
    State: { Running: boolean; ExitCode: number; Health?: { Status: string } };
    NetworkSettings: { Networks: Record<string, unknown> };
  }>;
  return {
    id: c!.Id,
    hostname: c!.Config.Hostname,
    running: c!.State.Running,
    exitCode: c!.State.ExitCode,
    health: c!.State.Health?.Status ?? null,
    user: c!.Config.User,
    image: c!.Image,
    networks: Object.keys(c!.NetworkSettings.Networks),
    env: c!.Config.Env,
  };
}

/** Polls `check` until it returns a value other than undefined, or fails naming `what` after `timeoutMs`. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 500): Promise<T> {
  say(`waiting until ${what}`);
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${what}: not within ${timeoutMs} ms${last ? ` (last error: ${last instanceof Error ? String(last) : JSON.stringify(last)})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface HttpAnswer {
  status: number;
  text: string;
}

/**
 * One HTTP request over node:http with a deadline: the published ports of the containers, asked as any client would.
 * (The test worker's global fetch was seen waiting forever on the published port without opening a connection.)
 */
export function http(
  method: string,
  url: string,
  options: { headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: options.headers ?? {}, timeout: options.timeoutMs ?? 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer within ${options.timeoutMs ?? 60_000} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

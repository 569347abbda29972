// The Dockerfile's steps without a Docker engine (run through scripts/docker-dry-run.sh).
//
// Reads deploy/docker/Dockerfile and plays the stages that the `master` and `worker` targets need, each in a
// directory standing for its file system: the build context is copied as .dockerignore leaves it, COPY copies
// (from the context or from an earlier stage), RUN runs with the stage's WORKDIR and ENV. What cannot run here is
// reported and skipped: RUNs that install system packages (apt-get), and the base image itself (this host's Node
// stands for it). Then, for each target, from its directory:
//   - the production install holds no development package and no workspace the apps do not use;
//   - every installed package with native code loads (snappy compresses and decompresses, msgpackr is accelerated);
//   - the target's CMD starts with the image's ENV and an environment pointing at Redis, PostgreSQL and an Azurite
//     started here, under a catalog schema and queue prefix of its own; the target's HEALTHCHECK command passes,
//     /readyz answers 200, the master serves its job page and runs a small job end to end on the worker;
//   - SIGTERM ends each process with exit code 0 within STOP_LIMIT_MS.
// Everything started or created is removed at the end: processes, Azurite, the schema, the queue's Redis keys
// and the temporary directory (kept with --keep).
//
// Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL (default
// redis://127.0.0.1:6379).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ignored, keyValues, parseDockerfile, parseDockerignore, substitute } from './dockerfile.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DOCKERFILE = join(REPO, 'deploy/docker/Dockerfile');
const TARGETS = ['master', 'worker'];
const HEALTHY_WITHIN_MS = 60_000;
const STOP_LIMIT_MS = 15_000;
const JOB_WITHIN_MS = 90_000;
/** Packages that must not be in the production install besides the root's and the workspaces' devDependencies. */
const NOT_IN_PRODUCTION = ['playwright-core', 'azurite'];

const keep = process.argv.includes('--keep');
const started = Date.now();
const work = mkdtempSync(join(tmpdir(), 'partita-docker-dry-run-'));
const cleanups = [];
const notes = [];

const elapsed = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const say = (line) => console.log(line);
const fail = (message) => {
  throw new Error(message);
};

// ---------------------------------------------------------------------------------------------------------------
// The Dockerfile

/** Exec form (a JSON array) or shell form. */
function commandOf(args) {
  if (args.startsWith('[')) return { exec: JSON.parse(args) };
  return { shell: args };
}

function argvOf(command) {
  return command.exec ?? ['/bin/sh', '-c', command.shell];
}

function readStages() {
  return parseDockerfile(readFileSync(DOCKERFILE, 'utf8')).stages;
}

// ---------------------------------------------------------------------------------------------------------------
// The build context, as .dockerignore leaves it

function readDockerignore() {
  const path = join(REPO, '.dockerignore');
  return existsSync(path) ? parseDockerignore(readFileSync(path, 'utf8')) : [];
}

function copyContext(target) {
  const rules = readDockerignore();
  const anyException = rules.some((r) => !r.exclude);
  let files = 0;
  const walk = (rel) => {
    for (const entry of readdirSync(join(REPO, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      const isDir = entry.isDirectory();
      if (ignored(path, rules) && !(isDir && anyException)) continue;
      if (isDir) walk(path);
      else {
        mkdirSync(join(target, dirname(path)), { recursive: true });
        if (entry.isSymbolicLink()) symlinkSync(readlinkSync(join(REPO, path)), join(target, path));
        else copyFileSync(join(REPO, path), join(target, path));
        files++;
      }
    }
  };
  walk('');
  return files;
}

// ---------------------------------------------------------------------------------------------------------------
// Stages

/** The host's environment without what `npm run` adds, so that nested npm commands see only their own project. */
function hostEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/.test(k) || k === 'INIT_CWD') continue;
    env[k] = v;
  }
  env.PATH = (env.PATH ?? '')
    .split(delimiter)
    .filter((p) => !p.includes(`node_modules${sep}.bin`))
    .join(delimiter);
  return env;
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...options });
  if (result.status !== 0) {
    fail(`${cmd} ${args.join(' ')} failed (${result.status ?? result.signal}): ${(result.stderr || result.stdout || '').slice(-2000)}`);
  }
  return result.stdout;
}

let stages = [];
const built = new Map();
let contextDir;

function stageByRef(ref) {
  const stage = stages.find((s) => s.name === ref);
  if (!stage) fail(`no stage named ${ref} in the Dockerfile`);
  return stage;
}

function containerPath(stage, path) {
  return join(stage.root, path.startsWith('/') ? path : posix.join(stage.workdir, path));
}

function build(name) {
  if (built.has(name)) return built.get(name);
  const def = stageByRef(name);
  const parent = stages.find((s) => s.name === def.from && s !== def);
  const stage = {
    name,
    root: join(work, 'stages', name),
    workdir: '/',
    env: {},
    args: {},
    user: 'root',
    expose: [],
    skipped: [],
  };
  if (parent) {
    const base = build(parent.name);
    mkdirSync(dirname(stage.root), { recursive: true });
    run('cp', ['-a', '--reflink=auto', base.root, stage.root]);
    Object.assign(stage, structuredClone(base), { name, root: stage.root });
  } else {
    mkdirSync(stage.root, { recursive: true });
    const tag = /^node:(\d+)/.exec(def.from);
    const host = process.versions.node.split('.')[0];
    if (tag && tag[1] !== host) notes.push(`stage ${name}: the image's base is ${def.from}, this host runs Node ${process.versions.node}`);
    stage.image = def.from;
  }
  // Stages this one copies from first, so that the output reads in order.
  for (const ins of def.instructions) if (ins.keyword === 'COPY' && ins.flags.from) build(stageByRef(ins.flags.from).name);
  const since = Date.now();
  say(`stage ${name} (FROM ${def.from}${parent ? '' : `: this host's Node ${process.versions.node} stands for the image`})`);
  for (const ins of def.instructions) {
    const vars = { ...stage.args, ...stage.env };
    switch (ins.keyword) {
      case 'WORKDIR':
        stage.workdir = posix.resolve(stage.workdir, substitute(ins.args, vars));
        mkdirSync(join(stage.root, stage.workdir), { recursive: true });
        break;
      case 'ENV':
        for (const [k, v] of keyValues(ins.args)) stage.env[k] = substitute(v, vars);
        break;
      case 'ARG':
        for (const [k, v] of keyValues(ins.args)) stage.args[k] = v;
        break;
      case 'USER':
        stage.user = ins.args;
        break;
      case 'EXPOSE':
        stage.expose = [...stage.expose, ...ins.args.split(/\s+/)];
        break;
      case 'CMD':
        stage.cmd = commandOf(ins.args);
        break;
      case 'ENTRYPOINT':
        stage.entrypoint = commandOf(ins.args);
        break;
      case 'HEALTHCHECK': {
        const m = /^CMD\s+([\s\S]*)$/i.exec(ins.args);
        stage.healthcheck = m ? { command: commandOf(m[1]), flags: ins.flags } : undefined;
        break;
      }
      case 'LABEL':
      case 'STOPSIGNAL':
        break;
      case 'COPY':
        copy(stage, ins);
        break;
      case 'RUN': {
        const command = commandOf(ins.args);
        const text = command.shell ?? command.exec.join(' ');
        if (/\bapt-get\b|\bapk\b|\bdnf\b|\byum\b/.test(text)) {
          say(`  RUN ${text.slice(0, 100)}  [skipped: system packages belong to the image, not this host]`);
          stage.skipped.push(text);
          break;
        }
        const t = Date.now();
        const log = join(work, 'logs', `${name}-${ins.line}.log`);
        mkdirSync(dirname(log), { recursive: true });
        const fd = openSync(log, 'w');
        const [cmd, ...args] = argvOf(command);
        const result = spawnSync(cmd, args, {
          cwd: join(stage.root, stage.workdir),
          env: { ...hostEnv(), ...stage.args, ...stage.env },
          stdio: ['ignore', fd, fd],
        });
        closeSync(fd);
        if (result.status !== 0) {
          say(readFileSync(log, 'utf8').split('\n').slice(-40).join('\n'));
          fail(`stage ${name}, Dockerfile line ${ins.line}: RUN ${text} failed (${result.status ?? result.signal})`);
        }
        say(`  RUN ${text.slice(0, 100)}  (${elapsed(t)})`);
        break;
      }
      default:
        fail(`Dockerfile line ${ins.line}: ${ins.keyword} is not played by the dry run`);
    }
  }
  say(`stage ${name} done in ${elapsed(since)}`);
  built.set(name, stage);
  return stage;
}

function copy(stage, ins) {
  const parts = ins.args.startsWith('[') ? JSON.parse(ins.args) : ins.args.split(/\s+/);
  const dest = parts.pop();
  let fromRoot;
  if (ins.flags.from) {
    const from = build(stageByRef(ins.flags.from).name);
    fromRoot = (p) => containerPath(from, p);
  } else {
    contextDir ??= (() => {
      const dir = join(work, 'context');
      const t = Date.now();
      const files = copyContext(dir);
      say(`  context: ${files} files after .dockerignore (${elapsed(t)})`);
      return dir;
    })();
    fromRoot = (p) => {
      const rel = posix.normalize(p).replace(/^\/+/, '');
      if (rel.startsWith('..')) fail(`Dockerfile line ${ins.line}: ${p} is outside the build context`);
      return join(contextDir, rel);
    };
  }
  const target = containerPath(stage, dest);
  for (const src of parts) {
    if (/[*?[]/.test(src)) fail(`Dockerfile line ${ins.line}: wildcards in COPY are not played by the dry run`);
    const from = fromRoot(src);
    if (!existsSync(from)) fail(`Dockerfile line ${ins.line}: COPY ${src}: no such file`);
    if (lstatSync(from).isDirectory()) {
      mkdirSync(target, { recursive: true });
      run('cp', ['-a', `${from}/.`, `${target}/`]);
    } else {
      const file = dest.endsWith('/') || parts.length > 1 ? join(target, basename(from)) : target;
      mkdirSync(dirname(file), { recursive: true });
      run('cp', ['-a', from, file]);
    }
  }
  say(`  COPY ${ins.flags.from ? `--from=${ins.flags.from} ` : ''}${parts.join(' ')} ${dest}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Checks of a built target

/** Every package installed under a node_modules tree (nested ones included), by name. */
function installedPackages(nodeModules) {
  const names = new Set();
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      if (entry.name.startsWith('@')) {
        for (const sub of readdirSync(join(dir, entry.name), { withFileTypes: true })) {
          names.add(`${entry.name}/${sub.name}`);
          if (sub.isDirectory()) walk(join(dir, entry.name, sub.name, 'node_modules'));
        }
      } else {
        names.add(entry.name);
        if (entry.isDirectory()) walk(join(dir, entry.name, 'node_modules'));
      }
    }
  };
  walk(nodeModules);
  return names;
}

/**
 * The installed packages with native code, from npm's record of the tree (node_modules/.package-lock.json): those
 * with an install script, and those whose optional dependencies are platform builds (an `os` or `cpu` field).
 */
function nativePackages(app) {
  const tree = JSON.parse(readFileSync(join(app, 'node_modules/.package-lock.json'), 'utf8')).packages;
  const platformBuild = (name) => {
    const entry = tree[`node_modules/${name}`];
    return entry !== undefined && (entry.os !== undefined || entry.cpu !== undefined);
  };
  return Object.entries(tree)
    .filter(
      ([path, e]) =>
        /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) &&
        (e.hasInstallScript || Object.keys(e.optionalDependencies ?? {}).some(platformBuild)),
    )
    .map(([path]) => path.slice('node_modules/'.length))
    .sort();
}

function checkInstall(stage) {
  const app = join(stage.root, stage.workdir);
  const context = (p) => JSON.parse(readFileSync(join(REPO, p), 'utf8'));
  const root = context('package.json');
  const workspaceDirs = (root.workspaces ?? []).flatMap((w) =>
    w.endsWith('/*')
      ? readdirSync(join(REPO, w.slice(0, -2)))
          .map((d) => `${w.slice(0, -2)}/${d}`)
          .filter((d) => existsSync(join(REPO, d, 'package.json')))
      : [w],
  );
  const production = new Set(JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).workspaces ?? []);
  const forbidden = new Set([...Object.keys(root.devDependencies ?? {}), ...NOT_IN_PRODUCTION]);
  for (const dir of workspaceDirs) {
    const manifest = context(`${dir}/package.json`);
    for (const dep of Object.keys(manifest.devDependencies ?? {})) forbidden.add(dep);
    if (!production.has(dir)) forbidden.add(manifest.name);
  }
  const installed = installedPackages(join(app, 'node_modules'));
  const present = [...forbidden].filter((name) => installed.has(name));
  if (present.length) fail(`${stage.name}: development or unused packages in the production install: ${present.join(', ')}`);
  say(`  production install: ${installed.size} packages; none of ${[...forbidden].sort().join(', ')}`);

  const natives = nativePackages(app);
  if (!natives.includes('snappy')) fail(`${stage.name}: snappy is not among the native packages installed (${natives.join(', ')})`);
  for (const name of natives) run(process.execPath, ['-e', 'require(process.argv[1])', name], { cwd: app });
  run(
    process.execPath,
    [
      '-e',
      "const s = require('snappy'); const b = Buffer.from('partita '.repeat(64)); if (!s.uncompressSync(s.compressSync(b)).equals(b)) process.exit(1)",
    ],
    { cwd: app },
  );
  if (natives.includes('msgpackr-extract')) {
    const check = "import { isNativeAccelerationEnabled } from 'msgpackr'; if (!isNativeAccelerationEnabled) process.exit(1)";
    run(process.execPath, ['--input-type=module', '-e', check], { cwd: app });
  }
  say(`  native packages load: ${natives.join(', ')}; snappy round trip ok; msgpackr uses its native extension`);
}

// ---------------------------------------------------------------------------------------------------------------
// Running the targets

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function startTarget(stage, env) {
  if (!stage.cmd) fail(`target ${stage.name} has no CMD`);
  let argv = argvOf(stage.cmd);
  const entry = stage.entrypoint ? argvOf(stage.entrypoint) : [];
  if (entry.length && existsSync(entry[0])) argv = [...entry, ...argv];
  else if (entry.length) notes.push(`${stage.name}: ENTRYPOINT ${entry.join(' ')} is not on this host; CMD runs directly`);
  const log = join(work, 'logs', `${stage.name}.log`);
  const fd = openSync(log, 'w');
  const child = spawn(argv[0], argv.slice(1), { cwd: join(stage.root, stage.workdir), env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const proc = { name: stage.name, child, log, exit: new Promise((r) => child.once('exit', (code, signal) => r({ code, signal }))) };
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await proc.exit;
    }
  });
  return proc;
}

function tail(proc) {
  return readFileSync(proc.log, 'utf8').split('\n').slice(-30).join('\n');
}

async function waitHealthy(stage, proc, env) {
  const check = argvOf(stage.healthcheck?.command ?? fail(`target ${stage.name} has no HEALTHCHECK`));
  const deadline = Date.now() + HEALTHY_WITHIN_MS;
  let exited = false;
  void proc.exit.then(() => (exited = true));
  for (;;) {
    if (exited) fail(`${stage.name} exited before it was healthy:\n${tail(proc)}`);
    const result = spawnSync(check[0], check.slice(1), { cwd: join(stage.root, stage.workdir), env, timeout: 5000 });
    if (result.status === 0) return;
    if (Date.now() > deadline) fail(`${stage.name}: its HEALTHCHECK did not pass within ${HEALTHY_WITHIN_MS} ms:\n${tail(proc)}`);
    await sleep(250);
  }
}

async function get(url, expectStatus = 200, token = undefined) {
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const body = await res.text();
  if (res.status !== expectStatus) fail(`GET ${url}: ${res.status}, expected ${expectStatus}: ${body.slice(0, 500)}`);
  return { res, body };
}

async function stop(proc) {
  const t = Date.now();
  proc.child.kill('SIGTERM');
  const result = await Promise.race([proc.exit, sleep(STOP_LIMIT_MS).then(() => null)]);
  if (!result) fail(`${proc.name}: still running ${STOP_LIMIT_MS} ms after SIGTERM:\n${tail(proc)}`);
  if (result.code !== 0) fail(`${proc.name}: exit code ${result.code ?? result.signal} after SIGTERM:\n${tail(proc)}`);
  say(`  ${proc.name}: SIGTERM -> exit 0 in ${Date.now() - t} ms`);
}

async function runJob(masterUrl, token) {
  const t = Date.now();
  const res = await fetch(`${masterUrl}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      kind: 'travel-plan',
      input: { generate: { groups: 24, seed: 7 } },
      optimizer: { algorithm: 'random' },
      partitions: 3,
      output: { container: 'dry-run', prefix: 'smoke' },
    }),
  });
  if (res.status !== 202) fail(`POST /jobs: ${res.status} ${await res.text()}`);
  const { id } = await res.json();
  for (;;) {
    const { body } = await get(`${masterUrl}/jobs/${id}`, 200, token);
    const job = JSON.parse(body);
    if (job.status === 'succeeded') {
      say(
        `  job ${id}: succeeded, ${job.partitions?.length ?? '?'} partitions on the worker, manifest ${job.output?.manifest} (${elapsed(t)})`,
      );
      return;
    }
    if (['failed', 'cancelled'].includes(job.status)) fail(`job ${id} ${job.status}: ${JSON.stringify(job.error ?? job)}`);
    if (Date.now() - t > JOB_WITHIN_MS) fail(`job ${id} still ${job.status} after ${JOB_WITHIN_MS} ms`);
    await sleep(250);
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  say(`dry run of ${relative(REPO, DOCKERFILE)} in ${work}`);
  stages = readStages();
  const targets = TARGETS.map((name) => build(name));

  for (const stage of targets) {
    say(`target ${stage.name}: USER ${stage.user}, EXPOSE ${stage.expose.join(' ')}, CMD ${argvOf(stage.cmd).join(' ')}`);
    if (['root', '0'].includes(stage.user.split(':')[0])) fail(`target ${stage.name} runs as root`);
    const entry = stage.entrypoint ? argvOf(stage.entrypoint) : [];
    if (entry.length && !existsSync(entry[0]) && !stage.skipped.some((s) => s.includes(basename(entry[0])))) {
      fail(`target ${stage.name}: ENTRYPOINT ${entry[0]} is installed by no RUN of the image`);
    }
    checkInstall(stage);
  }

  // Services: Redis and PostgreSQL of this host, an Azurite of our own (the build stage's, with everything installed).
  const tooling = [...built.values()].find((s) => existsSync(join(s.root, s.workdir, 'packages/azurite/dist/index.js')));
  if (!tooling) fail('no stage holds the built packages/azurite');
  const toolDir = join(tooling.root, tooling.workdir);
  const requireTool = createRequire(join(toolDir, 'package.json'));
  const { startAzurite } = await import(pathToFileURL(join(toolDir, 'packages/azurite/dist/index.js')).href);
  const azurite = await startAzurite({ port: 0 });
  cleanups.push(() => azurite.stop());
  say(`azurite on port ${azurite.port}`);

  const suffix = randomBytes(4).toString('hex');
  const schema = `docker_dry_run_${suffix}`;
  const prefix = `docker-dry-run-${suffix}`;
  const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  cleanups.push(async () => {
    const pg = requireTool('pg');
    const client = new pg.Client({ connectionString: databaseUrl });
    try {
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
    } finally {
      await client.end().catch(() => undefined);
    }
    say(`dropped schema ${schema}`);
  });
  cleanups.push(async () => {
    const Redis = requireTool('ioredis');
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
    redis.on('error', () => undefined);
    let deleted = 0;
    let cursor = '0';
    try {
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        if (keys.length) deleted += await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
    say(`deleted ${deleted} redis keys under ${prefix}:`);
  });

  const [masterPort, workerPort] = [await freePort(), await freePort()];
  const common = {
    PATH: hostEnv().PATH,
    HOME: join(work, 'home'),
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    CATALOG_SCHEMA: schema,
    QUEUE_PREFIX: prefix,
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    LOG_LEVEL: 'info',
  };
  mkdirSync(common.HOME, { recursive: true });
  const [master, worker] = targets;
  // As deployed: the API asks for a token.
  const token = randomBytes(24).toString('hex');
  const masterEnv = { ...common, ...master.env, HOST: '127.0.0.1', PORT: String(masterPort), API_TOKENS: `dry-run:write:${token}` };
  const workerEnv = { ...common, ...worker.env, WORKER_HTTP_PORT: String(workerPort), WORKER_ID: `dry-run-${suffix}` };

  let t = Date.now();
  const masterProc = startTarget(master, masterEnv);
  await waitHealthy(master, masterProc, masterEnv);
  say(`master: HEALTHCHECK passes (${elapsed(t)})`);
  const masterUrl = `http://127.0.0.1:${masterPort}`;
  await get(`${masterUrl}/readyz`);
  const page = await get(`${masterUrl}/`);
  if (!/<html/i.test(page.body)) fail('GET /: not the job page');
  await get(`${masterUrl}/metrics`);
  say('  master: /readyz 200, job page at / served from apps/master/public, /metrics 200');

  t = Date.now();
  const workerProc = startTarget(worker, workerEnv);
  await waitHealthy(worker, workerProc, workerEnv);
  say(`worker: HEALTHCHECK passes (${elapsed(t)})`);
  await get(`http://127.0.0.1:${workerPort}/readyz`);
  await get(`http://127.0.0.1:${workerPort}/metrics`);
  say('  worker: /readyz 200, /metrics 200');

  await get(`${masterUrl}/jobs`, 401);
  await runJob(masterUrl, token);

  await stop(workerProc);
  await stop(masterProc);
}

async function cleanup() {
  for (const fn of cleanups.reverse()) {
    try {
      await fn();
    } catch (err) {
      console.error(`cleanup: ${err.message}`);
    }
  }
  if (keep) say(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`${signal}: cleaning up`);
    void cleanup().then(() => process.exit(130));
  });
}

try {
  await main();
  await cleanup();
  for (const note of notes) say(`note: ${note}`);
  say(`docker dry run passed in ${elapsed(started)}`);
} catch (err) {
  console.error(`docker dry run FAILED: ${err.message}`);
  if (!interrupted) await cleanup();
  process.exit(1);
}

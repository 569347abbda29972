import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MasterEnv } from '../../apps/master/src/env.js';
import { WorkerEnv } from '../../apps/worker/src/env.js';
import { appStatus } from './app-http.js';
import {
  DOCKER,
  chainInstructions,
  commandArgv,
  dockerignored,
  exposedPorts,
  effective,
  readDockerfile,
  stageChain,
  type DockerInstruction,
  type DockerStage,
  type Dockerfile,
} from './deploy-files.js';

// deploy/docker/Dockerfile, read as Docker reads it and checked against the apps: their workspaces and what they
// import, their environment schemas' default ports, the paths their HTTP servers answer. `npm run test:containers`
// (test/containers) builds and runs the images for real.

const ROOT = DOCKER.root;
const dockerfile = readDockerfile();

type AppName = 'master' | 'worker';
const APPS: Record<AppName, { dir: string; portVar: string; defaultPort: number }> = {
  master: { dir: 'apps/master', portVar: 'PORT', defaultPort: MasterEnv.shape.PORT.parse(undefined) },
  worker: { dir: 'apps/worker', portVar: 'WORKER_HTTP_PORT', defaultPort: WorkerEnv.shape.WORKER_HTTP_PORT.parse(undefined) },
};
const TARGETS = Object.keys(APPS) as AppName[];

interface Manifest {
  name: string;
  main?: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
}

const readManifest = (path: string): Manifest => JSON.parse(readFileSync(path, 'utf8')) as Manifest;

/** The root's workspace patterns (`dir/*` or a directory) as the directories holding a package.json. */
function workspaceDirs(): string[] {
  return (readManifest(join(ROOT, 'package.json')).workspaces ?? []).flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(join(ROOT, pattern.slice(0, -2)))
          .map((d) => `${pattern.slice(0, -2)}/${d}`)
          .filter((d) => existsSync(join(ROOT, d, 'package.json')))
          .sort()
      : [pattern],
  );
}

/** An app's workspace and every workspace it depends on (`dependencies`, transitively). */
function workspaceClosure(appDir: string): string[] {
  const byName = new Map(workspaceDirs().map((dir) => [readManifest(join(ROOT, dir, 'package.json')).name, dir]));
  const seen = new Set<string>();
  const visit = (dir: string): void => {
    if (seen.has(dir)) return;
    seen.add(dir);
    for (const dep of Object.keys(readManifest(join(ROOT, dir, 'package.json')).dependencies ?? {})) {
      const ws = byName.get(dep);
      if (ws) visit(ws);
    }
  };
  visit(appDir);
  return [...seen].sort();
}

const stage = (name: string): DockerStage => {
  const found = dockerfile.stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name} in the Dockerfile`);
  return found;
};

/** The image a stage finally builds on. */
const baseImage = (df: Dockerfile, name: string): string => stageChain(df, name)[0]!.from;

const runs = (s: DockerStage): DockerInstruction[] => s.instructions.filter((i) => i.keyword === 'RUN');
const isInstall = (i: DockerInstruction): boolean => i.keyword === 'RUN' && /\bnpm\s+(ci|install|i)\b/.test(i.args);
const isBuild = (i: DockerInstruction): boolean => i.keyword === 'RUN' && /\bnpm\s+run\s+build\b|\btsc\b/.test(i.args);

/** COPY's sources and destination, the destination made absolute against the WORKDIR in effect. */
function copyOf(df: Dockerfile, stageName: string, ins: DockerInstruction): { from?: string; sources: string[]; dest: string } {
  const parts = ins.args.startsWith('[') ? (JSON.parse(ins.args) as string[]) : ins.args.split(/\s+/);
  const dest = parts.pop()!;
  const chain = chainInstructions(df, stageName);
  const workdir = chain
    .slice(0, chain.indexOf(ins))
    .filter((i) => i.keyword === 'WORKDIR')
    .reduce((dir, i) => posix.resolve(dir, i.args), '/');
  const copy = { sources: parts, dest: posix.join(posix.resolve(workdir, dest), dest.endsWith('/') ? '/' : '') };
  return ins.flags['from'] ? { ...copy, from: ins.flags['from'] } : copy;
}

/** The stage that builds the workspaces: the one that runs `npm run build`. */
const buildStage = (): DockerStage => {
  const found = dockerfile.stages.filter((s) => s.instructions.some(isBuild));
  expect(found.map((s) => s.name)).toHaveLength(1);
  return found[0]!;
};

const workdirOf = (name: string): string =>
  chainInstructions(dockerfile, name)
    .filter((i) => i.keyword === 'WORKDIR')
    .reduce((dir, i) => posix.resolve(dir, i.args), '/');

const temp = mkdtempSync(join(tmpdir(), 'partita-dockerfile-test-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('deploy/docker/Dockerfile', () => {
  it('has the targets docker-compose and the Kubernetes manifests build, master and worker, after the stages they use', () => {
    const names = dockerfile.stages.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(TARGETS));
    expect(new Set(names).size).toBe(names.length);
    // Every FROM and COPY --from names an earlier stage or an image.
    dockerfile.stages.forEach((s, i) => {
      const earlier = names.slice(0, i);
      if (!earlier.includes(s.from)) expect(s.from, `stage ${s.name}`).toMatch(/^[\w./-]+:[\w.-]+$/);
      for (const ins of s.instructions.filter((c) => c.flags['from'])) expect(earlier, `line ${ins.line}`).toContain(ins.flags['from']);
    });
  });

  it('uses no BuildKit-only syntax, so that the classic builder (az acr build) builds it too', () => {
    const all = dockerfile.stages.flatMap((s) => s.instructions);
    for (const ins of all) {
      if (ins.keyword === 'RUN') expect(Object.keys(ins.flags), `line ${ins.line}`).toEqual([]);
      if (ins.keyword === 'COPY')
        expect(
          Object.keys(ins.flags).filter((f) => f !== 'from' && f !== 'chown'),
          `line ${ins.line}`,
        ).toEqual([]);
      expect(ins.args, `line ${ins.line}: heredoc`).not.toMatch(/<<-?\s*["']?[A-Z]+["']?\s*$/);
    }
    expect(readFileSync(DOCKER.dockerfile, 'utf8')).not.toMatch(/^#\s*syntax=/m);
  });

  it('builds and runs on one Debian Node image, so that native modules are installed for the platform that runs them', () => {
    const images = new Set(dockerfile.stages.map((s) => baseImage(dockerfile, s.name)));
    expect([...images]).toHaveLength(1);
    const image = [...images][0]!;
    // glibc (Debian), not Alpine's musl: npm picks snappy's linux-*-gnu binding where it installs.
    expect(image).toMatch(/^node:(\d+)-(bookworm|bullseye|trixie)(-slim)?$/);
    const major = Number(/^node:(\d+)/.exec(image)![1]);
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(major).toBeGreaterThanOrEqual(Number(/(\d+)/.exec(engines)![1]));
  });

  it('builds every workspace: npm ci on every manifest, then npm run build', () => {
    const build = buildStage();
    const chain = chainInstructions(dockerfile, build.name);
    const install = chain.findIndex(isInstall);
    expect(install, 'npm ci before the build').toBeGreaterThanOrEqual(0);
    expect(install).toBeLessThan(chain.findIndex(isBuild));
    expect(chain[install]!.args).toMatch(/^npm ci\b/);
    expect(chain[install]!.args).not.toMatch(/--omit|--production|--workspace/);
    // Sources after the install, so that it stays cached while they change.
    const sources = chain.filter((i) => i.keyword === 'COPY' && !i.flags['from']).map((i) => copyOf(dockerfile, build.name, i));
    expect(sources.flatMap((c) => c.sources)).toEqual(
      expect.arrayContaining(['tsconfig.json', 'tsconfig.base.json', 'packages/', 'apps/']),
    );
    for (const ins of chain.filter((i) => i.keyword === 'COPY' && !i.flags['from'])) expect(chain.indexOf(ins)).toBeGreaterThan(install);
  });

  it('installs from the manifests deploy/docker/manifests.mjs writes: every workspace for the build, the apps and their workspaces for the runtime', () => {
    const run = (out: string, ...args: string[]) =>
      execFileSync(process.execPath, [DOCKER.manifestsScript, ROOT, join(temp, out), ...args], { encoding: 'utf8' });
    run('all', 'all');
    for (const file of ['package.json', 'package-lock.json', ...workspaceDirs().map((d) => `${d}/package.json`)]) {
      expect(readFileSync(join(temp, 'all', file), 'utf8'), file).toBe(readFileSync(join(ROOT, file), 'utf8'));
    }

    const apps = TARGETS.map((t) => APPS[t].dir);
    run('production', 'production', ...apps);
    const closure = [...new Set(apps.flatMap(workspaceClosure))].sort();
    const root = readManifest(join(temp, 'production/package.json'));
    expect([...(root.workspaces ?? [])].sort()).toEqual(closure);
    expect(root.devDependencies).toBeUndefined();
    expect(root.scripts).toBeUndefined();
    for (const dir of closure) {
      const manifest = readManifest(join(temp, 'production', dir, 'package.json'));
      const original = readManifest(join(ROOT, dir, 'package.json'));
      expect(manifest.devDependencies, dir).toBeUndefined();
      expect(manifest.dependencies, dir).toEqual(original.dependencies);
    }
    expect(readFileSync(join(temp, 'production/package-lock.json'), 'utf8')).toBe(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));

    // The Dockerfile runs the script with the same modes and apps, and installs from what it writes.
    const script = dockerfile.stages.flatMap(runs).find((i) => i.args.includes('deploy/docker/manifests.mjs'));
    expect(script?.args).toMatch(/manifests\.mjs\s+(\S+)\s+(\S+)\s+all\b/);
    expect(script?.args).toMatch(new RegExp(`manifests\\.mjs\\s+\\S+\\s+\\S+\\s+production\\s+${apps.join('\\s+')}\\b`));
  });

  it('gives the targets production dependencies only: one npm ci --omit=dev on the production manifests, build output besides', () => {
    const isOutput = (source: string): boolean => /\/(dist|public)\/?$/.test(source);
    for (const target of TARGETS) {
      const chain = chainInstructions(dockerfile, target);
      expect(chain.filter(isInstall), `${target}: no install in the image's own stages`).toEqual([]);
      const copies = chain.filter((i) => i.keyword === 'COPY' && i.flags['from']).map((i) => copyOf(dockerfile, target, i));
      // Everything copied in is build output (dist/ directories, the job page), but for one install's result.
      const installed = copies.filter((c) => !c.sources.every(isOutput));
      expect(
        installed.map((c) => c.from),
        `${target}: node_modules from one install`,
      ).toHaveLength(1);
      const installer = installed[0]!.from!;
      const installs = chainInstructions(dockerfile, installer).filter(isInstall);
      expect(installs.map((i) => i.args)).toEqual([expect.stringMatching(/^npm ci\b.*--omit=dev\b/)]);
      // From the production manifests (checked above), nothing else.
      const manifests = stage(installer)
        .instructions.filter((i) => i.keyword === 'COPY')
        .map((i) => copyOf(dockerfile, installer, i));
      expect(manifests.map((c) => c.sources.join(' '))).toEqual([expect.stringMatching(/\/production\/?$/)]);
    }
  });

  it('copies the built dist of every workspace an app imports, the job page with the master', () => {
    const build = buildStage();
    const buildWorkdir = workdirOf(build.name);
    for (const target of TARGETS) {
      const workdir = workdirOf(target);
      const copied = chainInstructions(dockerfile, target)
        .filter((i) => i.keyword === 'COPY' && i.flags['from'] === build.name)
        .map((i) => copyOf(dockerfile, target, i))
        .flatMap((c) => c.sources.map((s) => ({ source: posix.relative(buildWorkdir, s), dest: posix.relative(workdir, c.dest) })));
      const expected = workspaceClosure(APPS[target].dir).map((ws) => `${ws}/dist`);
      if (target === 'master') expected.push('apps/master/public');
      for (const path of expected) expect(copied, `${target}: ${path}`).toContainEqual({ source: path, dest: path });
    }
    expect(existsSync(join(ROOT, 'apps/master/public/index.html'))).toBe(true);
  });

  it('runs the built main of each app with node, NODE_ENV=production', () => {
    for (const target of TARGETS) {
      const cmd = effective(dockerfile, target, 'CMD');
      expect(cmd?.args.startsWith('['), `${target}: exec form`).toBe(true);
      const argv = commandArgv(cmd!.args);
      const main = `${APPS[target].dir}/dist/main.js`;
      expect(argv).toEqual(['node', main]);
      // dist/main.js is tsc's output of src/main.ts, and the workspace's own main.
      expect(existsSync(join(ROOT, APPS[target].dir, 'src/main.ts'))).toBe(true);
      expect(readManifest(join(ROOT, APPS[target].dir, 'package.json')).main?.replace(/^\.\//, '')).toBe('dist/main.js');
      const env = chainInstructions(dockerfile, target).filter((i) => i.keyword === 'ENV');
      expect(env.map((i) => i.args).join(' ')).toMatch(/\bNODE_ENV=production\b/);
    }
  });

  it('runs as a user other than root', () => {
    for (const target of TARGETS) {
      const user = effective(dockerfile, target, 'USER')?.args;
      expect(user, target).toBeDefined();
      expect(['root', '0']).not.toContain(user!.split(':')[0]);
    }
  });

  it('has tini as PID 1, installed in the image', () => {
    for (const target of TARGETS) {
      const entrypoint = effective(dockerfile, target, 'ENTRYPOINT');
      expect(entrypoint?.args.startsWith('['), `${target}: exec form`).toBe(true);
      expect(commandArgv(entrypoint!.args)).toEqual(['/usr/bin/tini', '--']);
      // Debian's package puts it at /usr/bin/tini.
      const installs = chainInstructions(dockerfile, target).filter(
        (i) => i.keyword === 'RUN' && /apt-get install\b[^&|;]*\btini\b/.test(i.args),
      );
      expect(installs, target).toHaveLength(1);
    }
  });

  it('EXPOSEs the port each app listens on by default', () => {
    for (const target of TARGETS) {
      expect(exposedPorts(dockerfile, target), target).toEqual([APPS[target].defaultPort]);
    }
    expect(APPS.master.defaultPort).toBe(8080);
    expect(APPS.worker.defaultPort).toBe(9464);
  });

  it('HEALTHCHECKs a path the app answers, on the port it listens on, with a tool the image has', async () => {
    for (const target of TARGETS) {
      const healthcheck = effective(dockerfile, target, 'HEALTHCHECK');
      expect(healthcheck, target).toBeDefined();
      expect(healthcheck!.flags).toMatchObject({ interval: expect.any(String), timeout: expect.any(String) });
      const command = /^CMD\s+([\s\S]+)$/.exec(healthcheck!.args)?.[1];
      expect(command, target).toBeDefined();
      const argv = commandArgv(command!);
      // node:*-slim has neither curl nor wget.
      expect(argv[0], target).toBe('node');
      const script = argv.join(' ');
      const port = /process\.env\.(\w+)\s*\|\|\s*(\d+)/.exec(script);
      expect(port?.[1], `${target}: port variable`).toBe(APPS[target].portVar);
      expect(Number(port?.[2]), `${target}: port fallback`).toBe(APPS[target].defaultPort);
      const path = /\/[a-z]+z\b/.exec(script)?.[0];
      expect(path, target).toBe('/healthz');
      expect(await appStatus(target, path!), `${target} GET ${path}`).toBe(200);
    }
  });

  it('builds from a context without node_modules, build output and local state, and with everything the COPYs take', () => {
    for (const path of [
      'node_modules',
      'node_modules/zod/package.json',
      'packages/parquet/node_modules',
      'packages/config/dist/index.js',
      'apps/master/dist/main.js',
      'packages/config/tsconfig.tsbuildinfo',
      '.git',
      '.partita/logs/master.log',
      'test-artifacts/results.json',
    ]) {
      expect(dockerignored(path), path).toBe(true);
    }
    const needed = [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.base.json',
      'deploy/docker/manifests.mjs',
      ...workspaceDirs().flatMap((d) => [`${d}/package.json`, `${d}/tsconfig.json`]),
    ];
    const walk = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true })
        .filter((e) => e.name !== 'node_modules' && e.name !== 'dist')
        .flatMap((e) => (e.isDirectory() ? walk(`${dir}/${e.name}`) : [`${dir}/${e.name}`]));
    needed.push(
      ...walk('apps/master/public'),
      ...workspaceDirs().flatMap((d) => (existsSync(join(ROOT, d, 'src')) ? walk(`${d}/src`) : [])),
    );
    for (const path of needed.filter((p) => existsSync(join(ROOT, p)))) expect(dockerignored(path), path).toBe(false);
    // Every COPY from the context takes something that is there.
    for (const s of dockerfile.stages) {
      for (const ins of s.instructions.filter((i) => i.keyword === 'COPY' && !i.flags['from'])) {
        for (const source of copyOf(dockerfile, s.name, ins).sources)
          expect(existsSync(join(ROOT, source)), `line ${ins.line}: ${source}`).toBe(true);
      }
    }
  });

  it('has a worker-python target: the worker, Python with pandas and scikit-learn, the helper beside the registered programs', () => {
    const stage = dockerfile.stages.find((st) => st.name === 'worker-python');
    expect(stage?.from).toBe('worker');
    const chain = chainInstructions(dockerfile, 'worker-python');
    const install = chain.find((i) => i.keyword === 'RUN' && /apt-get install\b/.test(i.args) && /python3\b/.test(i.args));
    for (const pkg of ['python3', 'python3-pandas', 'python3-numpy', 'python3-sklearn'])
      expect(install?.args).toMatch(new RegExp(`\\s${pkg}(\\s|$)`));
    expect(effective(dockerfile, 'worker-python', 'USER')?.args).toBe('1000:1000');
    expect(effective(dockerfile, 'worker-python', 'CMD')?.args).toBe(effective(dockerfile, 'worker', 'CMD')?.args);
    // The programs file it registers is the example's, copied with its scripts and the helper they import.
    const workdir = workdirOf('worker-python');
    const copies = stage!.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args.split(/\s+/));
    expect(copies).toEqual([
      ['sdk/python/partita_program.py', 'programs/'],
      ['examples/programs/', 'programs/'],
    ]);
    const env = stage!.instructions.find((i) => i.keyword === 'ENV' && i.args.startsWith('PARTITA_PROGRAMS='))?.args;
    expect(env).toBe(`PARTITA_PROGRAMS=${posix.join(workdir, 'programs/programs.yaml')}`);
    const registered = readFileSync(join(ROOT, 'examples/programs/programs.yaml'), 'utf8');
    for (const script of registered.matchAll(/\.\/([\w.-]+\.py)/g))
      expect(existsSync(join(ROOT, 'examples/programs', script[1]!)), script[1]).toBe(true);
    for (const path of ['sdk/python/partita_program.py', 'examples/programs']) expect(dockerignored(path), path).toBe(false);
  });
});

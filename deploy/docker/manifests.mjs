// Writes the package manifests that the image's `npm ci` steps install from (deploy/docker/Dockerfile), so that
// those steps stay cached while only sources change. Plain Node, no dependencies: it runs before any install.
//
//   node manifests.mjs <context> <out> all
//     package.json, package-lock.json and every workspace's package.json, as they are: the build's full install.
//
//   node manifests.mjs <context> <out> production <app workspace>...
//     The manifests of a production install of the given apps: the root package.json with `workspaces` narrowed
//     to the apps and the workspaces they depend on (following `dependencies` only), without `devDependencies`
//     and without the development scripts; those workspaces' package.json without `devDependencies`; the
//     lockfile unchanged. `npm ci --omit=dev` then installs the apps' production dependencies and nothing else:
//     neither the root's tools (typescript, vitest, prettier, @duckdb/node-api) nor the dependencies of other
//     workspaces (the tests' playwright-core, Azurite through @partita/storage's devDependencies), which
//     `npm ci --omit=dev --workspace=…` still installs.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [context, out, mode, ...apps] = process.argv.slice(2);
if (!context || !out || (mode !== 'all' && mode !== 'production') || (mode === 'production' && apps.length === 0)) {
  console.error('usage: node manifests.mjs <context> <out> all | production <app workspace>...');
  process.exit(2);
}

const readJson = (path) => JSON.parse(readFileSync(join(context, path), 'utf8'));
const write = (path, text) => {
  mkdirSync(dirname(join(out, path)), { recursive: true });
  writeFileSync(join(out, path), text);
};
const writeJson = (path, value) => write(path, `${JSON.stringify(value, null, 2)}\n`);

const root = readJson('package.json');

/** The root's workspace patterns (`dir/*` or a plain directory) as directories holding a package.json. */
function workspaceDirs() {
  return (root.workspaces ?? []).flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return existsSync(join(context, pattern, 'package.json')) ? [pattern] : [];
    const parent = pattern.slice(0, -2);
    return readdirSync(join(context, parent), { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(context, parent, e.name, 'package.json')))
      .map((e) => `${parent}/${e.name}`)
      .sort();
  });
}

const dirs = workspaceDirs();
mkdirSync(out, { recursive: true });
copyFileSync(join(context, 'package-lock.json'), join(out, 'package-lock.json'));

if (mode === 'all') {
  write('package.json', readFileSync(join(context, 'package.json'), 'utf8'));
  for (const dir of dirs) write(`${dir}/package.json`, readFileSync(join(context, dir, 'package.json'), 'utf8'));
} else {
  const byName = new Map(dirs.map((dir) => [readJson(`${dir}/package.json`).name, dir]));
  const needed = new Set();
  const visit = (dir) => {
    if (needed.has(dir)) return;
    if (!dirs.includes(dir)) throw new Error(`${dir} is not a workspace of ${join(context, 'package.json')}`);
    needed.add(dir);
    for (const dep of Object.keys(readJson(`${dir}/package.json`).dependencies ?? {})) {
      const ws = byName.get(dep);
      if (ws) visit(ws);
    }
  };
  apps.forEach(visit);
  const workspaces = dirs.filter((dir) => needed.has(dir));
  const { devDependencies: _rootDev, scripts: _rootScripts, ...productionRoot } = root;
  writeJson('package.json', { ...productionRoot, workspaces });
  for (const dir of workspaces) {
    const { devDependencies: _dev, ...manifest } = readJson(`${dir}/package.json`);
    writeJson(`${dir}/package.json`, manifest);
  }
  console.log(`production workspaces: ${workspaces.join(' ')}`);
}

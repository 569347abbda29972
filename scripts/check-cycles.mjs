#!/usr/bin/env node
// Fails on import cycles: between modules (files) of the TypeScript sources, and between workspace packages.
// Reads the sources' imports with the TypeScript compiler's pre-processor (no type checking, no build needed):
// relative imports are module edges, `@partita/<name>` imports are package edges. Type-only imports count too: a cycle
// of types is still two modules that cannot be understood one without the other.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SKIP = new Set(['node_modules', 'dist']);

/** Every workspace: its package name and its TypeScript source directory. */
function workspaces() {
  const found = [];
  for (const group of ['apps', 'packages', 'examples']) {
    for (const name of readdirSync(join(root, group))) {
      const dir = join(root, group, name);
      const manifest = join(dir, 'package.json');
      if (!existsSync(manifest)) continue;
      found.push({ name: JSON.parse(readFileSync(manifest, 'utf8')).name, src: join(dir, 'src') });
    }
  }
  found.push({ name: 'test', src: join(root, 'test') });
  return found.filter((w) => existsSync(w.src));
}

function sourceFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir)) {
    if (SKIP.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(ts|mts|tsx)$/.test(entry) && !entry.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** The file a relative specifier names: `./x.js` is `./x.ts` in the sources (or `./x/index.ts`). */
function resolveRelative(from, specifier) {
  const base = resolve(dirname(from), specifier);
  const stem = base.replace(/\.(m?js|tsx?)$/, '');
  for (const candidate of [`${stem}.ts`, `${stem}.mts`, `${stem}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Strongly connected components of more than one node, or a node importing itself (Tarjan's algorithm). */
function cycles(graph) {
  let index = 0;
  const stack = [];
  const state = new Map();
  const found = [];
  const visit = (node) => {
    const s = { index, low: index, onStack: true };
    index++;
    state.set(node, s);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const t = state.get(next);
      if (t === undefined) {
        visit(next);
        s.low = Math.min(s.low, state.get(next).low);
      } else if (t.onStack) s.low = Math.min(s.low, t.index);
    }
    if (s.low === s.index) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        state.get(member).onStack = false;
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.has(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

const started = performance.now();
const spaces = workspaces();
const names = new Set(spaces.map((w) => w.name));
const modules = new Map();
const packages = new Map(spaces.map((w) => [w.name, new Set()]));
let fileCount = 0;
for (const space of spaces) {
  for (const file of sourceFiles(space.src)) {
    fileCount++;
    const edges = new Set();
    modules.set(file, edges);
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (specifier.startsWith('.')) {
        const target = resolveRelative(file, specifier);
        if (target) edges.add(target);
        continue;
      }
      const name = specifier.split('/').slice(0, 2).join('/');
      if (names.has(name) && name !== space.name) packages.get(space.name).add(name);
    }
  }
}

const moduleCycles = cycles(modules);
const packageCycles = cycles(packages);
const ms = Math.round(performance.now() - started);
for (const cycle of moduleCycles) console.error(`module cycle: ${cycle.map((f) => relative(root, f)).join(' <-> ')}`);
for (const cycle of packageCycles) console.error(`package cycle: ${cycle.join(' <-> ')}`);
const summary = `${fileCount} modules in ${spaces.length} workspaces (${ms} ms)`;
if (moduleCycles.length + packageCycles.length > 0) {
  console.error(`import cycles: ${moduleCycles.length} among modules, ${packageCycles.length} among packages; ${summary}`);
  process.exit(1);
}
console.log(`no import cycles: ${summary}`);

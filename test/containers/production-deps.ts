// What a production image must not hold: build and test tools, the development dependencies of every workspace and
// the workspaces it does not run, except what its own workspaces need at run time (their dependency closure, read
// from package-lock.json: a package can be one workspace's dev dependency and another's run-time one).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './engine.js';

/** Named whatever the manifests say: none of them has any business in an image. */
export const NEVER_IN_IMAGES = ['typescript', 'vitest', '@duckdb/node-api', 'azurite', 'playwright-core'];

interface LockEntry {
  name?: string;
  link?: boolean;
  resolved?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** The packages an image whose production workspaces are `workspaces` (directories, `apps/worker`) must not hold. */
export function forbiddenInImage(workspaces: readonly string[]): string[] {
  const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const entries = lock.packages;
  const workspaceDirs = Object.keys(entries).filter((p) => p !== '' && !p.includes('node_modules/'));
  const nameOf = (dir: string) =>
    entries[dir]?.name ?? (JSON.parse(readFileSync(join(REPO, dir, 'package.json'), 'utf8')) as { name: string }).name;

  // The closure of run-time dependencies, resolved as npm hoists them (a workspace through its link).
  const needed = new Set<string>();
  const visit = (entry: LockEntry | undefined) => {
    for (const dep of Object.keys({ ...entry?.dependencies, ...entry?.optionalDependencies })) {
      if (needed.has(dep)) continue;
      needed.add(dep);
      const hoisted = entries[`node_modules/${dep}`];
      visit(hoisted?.link && hoisted.resolved ? entries[hoisted.resolved] : hoisted);
    }
  };
  visit(entries['']);
  for (const dir of workspaces) {
    needed.add(nameOf(dir));
    visit(entries[dir]);
  }

  const candidates = new Set(NEVER_IN_IMAGES);
  for (const dir of ['', ...workspaceDirs]) for (const dep of Object.keys(entries[dir]?.devDependencies ?? {})) candidates.add(dep);
  for (const dir of workspaceDirs) if (!workspaces.includes(dir)) candidates.add(nameOf(dir));
  return [...candidates].filter((name) => NEVER_IN_IMAGES.includes(name) || !needed.has(name)).sort();
}

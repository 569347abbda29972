#!/usr/bin/env node
// The `partita` command, committed so that npm can link it on a fresh clone before anything is built: it runs the
// built CLI (dist/main.js), and on a clone not built yet builds the CLI first with the repository's TypeScript.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    process.stderr.write('partita: the CLI is not built: run `npm run build` in the repository first\n');
    process.exit(1);
  }
  process.stderr.write('partita: building the CLI (once, on a fresh clone)…\n');
  const project = fileURLToPath(new URL('..', import.meta.url));
  const built = spawnSync(process.execPath, [tsc, '-b', '--force', project], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0 || !existsSync(fileURLToPath(main))) {
    process.stderr.write('partita: the build failed: run `npm run build` in the repository to see why\n');
    process.exit(1);
  }
}
await import(main.href);

import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startAzurite } from '@partita/azurite';
import { ensureReaderRole } from '@partita/extract';
import { DATABASE_URL, READER_ROLE, REDIS_URL } from './env.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the Azurite every test file shares (each test uses its own container). */
    azuriteConnectionString: string;
  }
}

/** One Azurite for the whole run; Redis and PostgreSQL must already run (`npm run services`). */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`Redis does not answer at ${REDIS_URL} (run \`npm run services\`): ${(err as Error).message}`);
  } finally {
    redis.disconnect();
  }
  const client = new pg.Client({ connectionString: DATABASE_URL });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    throw new Error(`PostgreSQL does not answer at ${DATABASE_URL} (run \`npm run services\`): ${(err as Error).message}`);
  }
  try {
    // The role every test stack reads its sources as; each source schema is granted to it by the test that makes it.
    await ensureReaderRole(client, READER_ROLE, []);
  } finally {
    await client.end().catch(() => undefined);
  }
  buildOnChange();
  const azurite = await startAzurite({ inMemory: true });
  project.provide('azuriteConnectionString', azurite.connectionString);
  return () => azurite.stop();
}

/**
 * Tests run the workspaces' TypeScript in this process and their build (`dist`) in child processes (workers, the
 * CLI, the local runner): an incremental build first makes both the same code, whatever was edited since the last
 * build. Nothing is rebuilt when nothing changed (about a second).
 */
function buildOnChange(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const root = fileURLToPath(new URL('../../', import.meta.url));
  try {
    execFileSync(process.execPath, [tsc, '-b'], { cwd: root, stdio: 'pipe' });
  } catch (err) {
    const out = (err as { stdout?: Buffer }).stdout?.toString() ?? '';
    throw new Error(`the build (tsc -b) failed, so child processes would run old code:\n${out}`);
  }
}

import { existsSync } from 'node:fs';
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
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
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
  for (const app of ['master', 'worker']) {
    const main = fileURLToPath(new URL(`../../apps/${app}/dist/main.js`, import.meta.url));
    if (!existsSync(main)) throw new Error(`${main} is missing: build first (\`npm run build\`; \`npm test\` does it)`);
  }
  const azurite = await startAzurite({ inMemory: true });
  project.provide('azuriteConnectionString', azurite.connectionString);
  return () => azurite.stop();
}

import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Tests run on TypeScript source: each workspace package resolves to its src/index.ts. */
const alias = Object.fromEntries(
  readdirSync(`${root}packages`).map((name) => [`@partita/${name}`, `${root}packages/${name}/src/index.ts`]),
);

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Files share one Redis, one PostgreSQL and one Azurite, isolated by queue prefix, schema and container.
    fileParallelism: true,
    maxWorkers: 2,
  },
});

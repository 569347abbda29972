import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Tests run on TypeScript source: each workspace package resolves to its src/index.ts. */
const alias = Object.fromEntries(
  readdirSync(`${root}packages`).map((name) => [`@partita/${name}`, `${root}packages/${name}/src/index.ts`]),
);

/** Pure packages: no service needed. */
const PURE = ['contracts', 'partition', 'travel'];

export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: PURE.map((p) => `packages/${p}/src/**/*.test.ts`) },
      },
      {
        extends: true,
        test: {
          name: 'services',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: PURE.map((p) => `packages/${p}/**`),
          // One Azurite for the run; Redis and PostgreSQL must run. Files are isolated by schema, queue prefix and container.
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});

import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Tests run on TypeScript source: each workspace package resolves to its src/index.ts. */
const alias = Object.fromEntries(
  readdirSync(`${root}packages`).map((name) => [`@partita/${name}`, `${root}packages/${name}/src/index.ts`]),
);

/** Pure code: no service needed. */
const PURE = [
  'packages/config/src/**/*.test.ts',
  'packages/contracts/src/**/*.test.ts',
  'packages/format/src/**/*.test.ts',
  'packages/parquet/src/**/*.test.ts',
  'packages/partition/src/**/*.test.ts',
  'apps/master/src/views/**/*.test.ts',
  'packages/travel/src/**/*.test.ts',
  'packages/sdk/src/kind.test.ts',
  'packages/kind-program/src/csv.test.ts',
  'examples/*/src/**/*.test.ts',
  'packages/kinds/src/**/*.test.ts',
  'packages/kind-travel-plan/src/**/*.test.ts',
  'packages/kind-sql-extract/src/limits.test.ts',
  'apps/master/src/auth/**/*.test.ts',
  'apps/master/src/pipelines/**/*.test.ts',
  'apps/cli/src/**/*.test.ts',
  'apps/bench/src/**/*.test.ts',
  'apps/worker/src/batcher.test.ts',
  'test/deploy/**/*.test.ts',
  'test/python/**/*.test.ts',
];

export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: PURE },
      },
      {
        extends: true,
        test: {
          name: 'services',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'test/**/*.test.ts'],
          // test/containers needs a container engine: `npm run test:containers` (vitest.containers.config.ts).
          exclude: [...PURE, 'test/containers/**'],
          // One Azurite for the run; Redis and PostgreSQL must run. Files are isolated by schema, queue prefix and container.
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});

import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Tests run on TypeScript source: each workspace package resolves to its src/index.ts. */
const alias = Object.fromEntries(
  readdirSync(`${root}packages`).map((name) => [`@partita/${name}`, `${root}packages/${name}/src/index.ts`]),
);

/**
 * A test's project follows its name. Under a workspace's `src/`, next to the code: `name.test.ts` is a unit test (no
 * service), `name.int.test.ts` talks to the real Redis, PostgreSQL or Azurite. Everything under `test/` does too.
 */
const SOURCES = ['packages', 'apps', 'examples'].map((dir) => `${dir}/*/src/**/`);
const INTEGRATION = '*.int.test.ts';

export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: SOURCES.map((dir) => `${dir}*.test.ts`), exclude: [`**/${INTEGRATION}`] },
      },
      {
        extends: true,
        test: {
          name: 'services',
          include: [...SOURCES.map((dir) => `${dir}${INTEGRATION}`), 'test/**/*.test.ts'],
          // test/containers needs a container engine: `npm run test:containers` (vitest.containers.config.ts).
          exclude: ['test/containers/**'],
          // One Azurite for the run; Redis and PostgreSQL must run. Files are isolated by schema, queue prefix and container.
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});

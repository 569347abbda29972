// `npm run test:containers`: the images and the compose stack in a real container engine (scripts/test-containers.sh
// starts the engine and builds the offline bases first). Apart from `npm test`: it needs an engine and minutes.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  { resolve: base.resolve },
  defineConfig({
    test: {
      name: 'containers',
      include: ['test/containers/**/*.test.ts'],
      testTimeout: 600_000,
      hookTimeout: 2_400_000,
      fileParallelism: false,
    },
  }),
);

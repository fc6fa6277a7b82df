import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // llama.cpp tests load native code; separate processes keep a crash contained.
    pool: 'forks',
    maxWorkers: 2,
    env: {
      EVALBOARD_MODEL_PATH: new URL('../shared/models', import.meta.url).pathname,
      EVALBOARD_DATA_DIR: new URL('../shared/datasets', import.meta.url).pathname,
    },
  },
});

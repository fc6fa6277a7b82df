import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { describeBackendConformance } from '../backends/conformance.ts';
import { type OpenedBackend, openBackend } from './open-cached-backend.ts';

// The wrapper must keep the whole Backend contract, whichever backend it wraps, whether it
// answers fresh or from the cache.
const cacheDir = mkdtempSync(join(tmpdir(), 'evalboard-caching-conformance-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const cache = { path: join(cacheDir, 'dummy.sqlite'), taskNames: [] };
const opened: Record<string, OpenedBackend> = {};
for (const state of ['empty', 'filled']) {
  describeBackendConformance(
    'dummy',
    async () => {
      opened[state] = await openBackend({ model: 'dummy', batchSize: 4, seed: 1, cache });
      return opened[state];
    },
    { wrapper: `CachingBackend (${state} cache)` },
  );
}
afterAll(() => {
  // The second pass really was answered from the cache the first one filled.
  const first = opened.empty!.cache!.stats();
  expect(first.fresh).toBeGreaterThan(0);
  expect(opened.filled!.cache!.stats()).toMatchObject({ hits: first.fresh + first.duplicates, fresh: 0 });
});

describeBackendConformance(
  'llamacpp',
  () =>
    openBackend({
      model: 'llamacpp',
      modelArgs: `pretrained=${join(process.env.EVALBOARD_MODEL_PATH!, 'stories260K.gguf')},n_ctx=128`,
      batchSize: 2,
      seed: 1,
      cache: { path: join(cacheDir, 'llamacpp.sqlite'), taskNames: [] },
    }),
  { wrapper: 'CachingBackend' },
);

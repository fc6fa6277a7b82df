import { describe, expect, it } from 'vitest';
import { PROBE_TASK, probeDataFolder, probeTaskFolder, withDataDirEnv } from './data-dir-probe.fixture.ts';
import { loadCatalog } from './index.ts';

describe('loadCatalog data folder', () => {
  it('two catalogs in one process each read their own data folder, whatever the environment says', async () => {
    const tasks = probeTaskFolder();
    await withDataDirEnv(probeDataFolder('env'), async () => {
      const [a, b] = await Promise.all([
        loadCatalog({ includePaths: [tasks], dataDir: probeDataFolder('a') }),
        loadCatalog({ includePaths: [tasks], dataDir: probeDataFolder('b') }),
      ]);
      const docsA = await a.catalog.getTask(PROBE_TASK)!.loadDocs();
      const docsB = await b.catalog.getTask(PROBE_TASK)!.loadDocs();
      expect([docsA.eval[0]?.q, docsA.fewshot?.[0]?.q]).toEqual(['eval from a', 'shot from a']);
      expect([docsB.eval[0]?.q, docsB.fewshot?.[0]?.q]).toEqual(['eval from b', 'shot from b']);
    });
  });

  it('without a data folder nothing falls back to $EVALBOARD_DATA_DIR', async () => {
    await withDataDirEnv(probeDataFolder('env'), async () => {
      const { catalog } = await loadCatalog({ includePaths: [probeTaskFolder()], dataDir: undefined });
      await expect(catalog.getTask(PROBE_TASK)!.loadDocs()).rejects.toThrow(/not available locally/);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { executeRun, parseRunFlags } from '../src/cli/run.ts';
import { PROBE_TASK, probeDataFolder, probeTaskFolder, withDataDirEnv } from '../src/task/data-dir-probe.fixture.ts';

/** `evalboard run` in-process on the probe task, one doc, no cache or files. */
function run(tasks: string, ...extra: string[]) {
  const argv = [
    'run',
    '--model',
    'dummy',
    '--tasks',
    PROBE_TASK,
    '--include_path',
    tasks,
    '--limit',
    '1',
    '--num_fewshot',
    '1',
  ];
  return executeRun(parseRunFlags([...argv, '--no_cache', '--quiet', ...extra]), argv);
}

describe('--data_dir in a long-lived process', () => {
  it('a run with --data_dir leaves the environment alone, so the next run does not inherit its folder', async () => {
    const tasks = probeTaskFolder();
    const folder = probeDataFolder('flag');
    await withDataDirEnv(undefined, async () => {
      const first = await run(tasks, '--data_dir', folder);
      expect(first.outcomes[0]?.instances[0]?.context).toBe('shot from flag y\n\neval from flag');
      expect(process.env.EVALBOARD_DATA_DIR).toBeUndefined();
      // Without the flag the run falls back to the shared data beside the checkout (or none), which has no probe dataset.
      await expect(run(tasks)).rejects.toThrow(/not available locally/);
    });
  });
});

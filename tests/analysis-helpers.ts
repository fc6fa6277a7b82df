/** A real run made with the CLI for the analysis tests: the dummy backend, samples logged. */
import { dirname } from 'node:path';
import { expect } from 'vitest';
import { evalboard, listFiles, tempDir } from './helpers.ts';

/** Runs `evalboard run --model dummy` and returns the path of its results file (samples beside it). */
export function dummyRun(tasks: string, limit: number, seed = 1234): string {
  const out = tempDir('analysis-run-');
  const r = evalboard([
    'run',
    '--model',
    'dummy',
    '--model_args',
    `seed=${seed}`,
    '--tasks',
    tasks,
    '--limit',
    String(limit),
    '--output_path',
    out,
    '--log_samples',
  ]);
  expect(r.status, r.stderr).toBe(0);
  return listFiles(out).find((f) => /results_.*\.json$/.test(f))!;
}

/** The samples file a run wrote for one task. */
export function samplesOf(resultsFile: string, task: string): string {
  return listFiles(dirname(resultsFile)).find((f) => f.includes(`samples_${task}_`))!;
}

import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportMeraSubmission } from '../src/submissions/mera-export.ts';
import { type MeraSubmissionScore, scoreMeraSubmission } from '../src/submissions/mera-score.ts';
import { meraSubmissionTask } from '../src/submissions/mera-tasks.ts';
import { evalboard, readResults, tempDir } from './helpers.ts';
import { meraDataDir } from './mera-fixture.ts';

/** The suite's tasks whose local metric is MERA's own: exact-match accuracy, em, USE's grade_norm, ruCodeEval's pass@k. */
const SAME_METRIC: Record<string, [local: string, mera: string]> = {
  lcs: ['acc,none', 'acc'],
  mamuramu: ['acc,none', 'acc'],
  mathlogicqa: ['acc,none', 'acc'],
  parus: ['acc,none', 'acc'],
  rcb: ['acc,none', 'acc'],
  ruopenbookqa: ['acc,none', 'acc'],
  rutie: ['acc,none', 'acc'],
  ruworldtree: ['acc,none', 'acc'],
  rwsd: ['acc,none', 'acc'],
  rumodar: ['exact_match,scoring', 'em'],
  rumultiar: ['exact_match,scoring', 'em'],
  use: ['grade_norm,scoring', 'grade_norm'],
  rucodeeval: ['pass@1,scoring', 'pass@1'],
};

let results: Record<string, Record<string, number>>;
let scored: MeraSubmissionScore;
let skipped: readonly { task: string; reason: string }[];

beforeAll(async () => {
  const out = tempDir('mera-suite-');
  const run = evalboard([
    'run',
    '--model',
    'dummy',
    '--suite',
    'mera',
    '--data_dir',
    meraDataDir(),
    '--output_path',
    out,
    '--log_samples',
    '--quiet',
    '--confirm_run_unsafe_code',
  ]);
  expect(run.status, run.stderr).toBe(0);
  results = readResults(out).results as Record<string, Record<string, number>>;
  const zip = join(tempDir('mera-suite-zip-'), 'submission.zip');
  const gold = join(tempDir('mera-suite-gold-'), 'gold');
  ({ skipped } = await exportMeraSubmission(out, zip, { goldDir: gold }));
  scored = await scoreMeraSubmission(zip, gold);
}, 180_000);

describe('run --suite mera → export mera → score-submission', () => {
  it("gives each task the run's own score", () => {
    for (const [task, [local, mera]] of Object.entries(SAME_METRIC)) {
      const name = meraSubmissionTask(task)!.name;
      expect(scored.tasks[name]?.status, task).toBe('scored');
      expect(scored.tasks[name]?.metrics[mera], task).toBe(results[`mera_${task}`]![local]);
    }
    expect(scored.errors).toEqual([]);
    // ruCodeEval's per-test outputs were computed in the run: every in-total task is exported.
    expect(skipped).toEqual([]);
    expect(scored.total_over).toHaveLength(15);
  });
});

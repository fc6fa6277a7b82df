import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { meraDataDir } from './mera-fixture.ts';
import { evalboard, listFiles, readResults, tempDir } from './helpers.ts';

describe('a MERA run round-trips through export mera and score-submission', () => {
  it('the website-style scorer gives each log-likelihood task the accuracy the run reported (dummy backend)', () => {
    const tasks: Record<string, string> = {
      lcs: 'LCS',
      mamuramu: 'MaMuRAMu',
      mathlogicqa: 'MathLogicQA',
      parus: 'PARus',
      rcb: 'RCB',
      ruopenbookqa: 'ruOpenBookQA',
      ruworldtree: 'ruWorldTree',
      rwsd: 'RWSD',
      rutie: 'ruTiE',
      ruhhh: 'ruHHH',
    };
    const data = meraDataDir();
    const out = tempDir();
    const run = evalboard([
      'run',
      '--model',
      'dummy',
      '--data_dir',
      data,
      '--tasks',
      Object.keys(tasks)
        .map((t) => `mera_${t}`)
        .join(','),
      '--output_path',
      out,
      '--log_samples',
    ]);
    expect(run.status, run.stderr).toBe(0);
    const results = (readResults(out) as unknown as { results: Record<string, Record<string, number>> }).results;
    const gold = tempDir('gold-');
    const zip = join(tempDir(), 'submission.zip');
    const folder = listFiles(out)
      .find((f) => f.includes('results_'))!
      .replace(/\/results_[^/]*$/, '');
    const exported = evalboard(['export', 'mera', '--results', folder, '--out', zip, '--gold', gold]);
    expect(exported.status, exported.stderr).toBe(0);
    const scored = evalboard(['score-submission', zip, '--gold', gold, '--json']);
    expect(scored.status, scored.stderr).toBe(0);
    const report = JSON.parse(scored.stdout) as { tasks: Record<string, { status: string; metrics: { acc: number } }> };
    const accuracies = Object.entries(tasks).map(([, file]) => [file, report.tasks[file]!.metrics.acc]);
    expect(accuracies).toEqual(
      Object.entries(tasks).map(([task, file]) => [file, results[`mera_${task}`]!['acc,none']]),
    );
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResultsFile, readSamplesFile } from '../src/report/read.ts';
import { runStats } from '../src/report/repeats.ts';
import { evalboard, listFiles, STORIES, tempDir } from './helpers.ts';

// Few-shot draws depend on the seed, so three runs of 2-shot ARC-Easy see three different prompts.
const base = ['--model', 'llamacpp', '--model_args', `pretrained=${STORIES}`, '--tasks', 'arc_easy'];
const setup = ['--num_fewshot', '2', '--limit', '12', '--quiet', '--log_samples'];

function run(extra: readonly string[]) {
  const out = tempDir('repeats-');
  const result = evalboard(['run', ...base, ...setup, '--output_path', out, ...extra], {
    EVALBOARD_CACHE: tempDir('repeats-cache-'),
  });
  expect(result.status, result.stderr).toBe(0);
  const results = listFiles(out).find((f) => /results_.*\.json$/.test(f))!;
  return { out, result, report: readResultsFile(results), dir: join(results, '..') };
}

describe('run --repeats', () => {
  const repeated = run(['--repeats', '3', '--seed', '5,1234,1234,40']);

  it('summarises each metric over the runs, run 0 being the plain run', () => {
    const section = repeated.report.repeated_runs!;
    expect(section.count).toBe(3);
    expect(section.seeds).toEqual([
      { random: 5, fewshot: 40 },
      { random: 6, fewshot: 41 },
      { random: 7, fewshot: 42 },
    ]);
    const acc = section.metrics.arc_easy!['acc,none']!;
    expect(acc.values).toHaveLength(3);
    expect(acc.values[0]).toBe(repeated.report.results.arc_easy!['acc,none']);
    const mean = (acc.values[0]! + acc.values[1]! + acc.values[2]!) / 3;
    expect(acc.mean).toBeCloseTo(mean, 12);
    expect(acc.min).toBe(Math.min(...acc.values));
    expect(acc.max).toBe(Math.max(...acc.values));
    expect(repeated.result.stdout).toMatch(/\|arc_easy\|acc,none\|3\|\d\.\d{4}\|/);
  });

  it('keeps per-item values of every run, which reproduce that run’s score', () => {
    const section = repeated.report.repeated_runs!;
    const files = section.samples.arc_easy!;
    expect(files).toHaveLength(3);
    expect(new Set(files).size).toBe(3);
    files.forEach((file, r) => {
      const rows = readSamplesFile(join(repeated.dir, file!));
      expect(rows).toHaveLength(12);
      const acc = rows.reduce((a, row) => a + (row.acc as number), 0) / rows.length;
      expect(acc).toBeCloseTo(section.metrics.arc_easy!['acc,none']!.values[r]!, 12);
    });
    // Different few-shot seeds give different prompts.
    const prompts = files.map((f) => readFileSync(join(repeated.dir, f!), 'utf8').split('\n')[0]);
    expect(new Set(prompts).size).toBeGreaterThan(1);
  });

  it('run r equals a plain run with seeds S + r', () => {
    const second = run(['--seed', '6,1234,1234,41']);
    const section = repeated.report.repeated_runs!;
    for (const [key, stats] of Object.entries(section.metrics.arc_easy!))
      expect(stats.values[1], key).toBe(second.report.results.arc_easy![key]);
  });

  it('refuses zero runs with the flag named', () => {
    const r = evalboard(['run', '--model', 'dummy', '--tasks', 'arc_easy', '--limit', '1', '--repeats', '0']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('--repeats');
  });
});

describe('runStats', () => {
  it('uses the sample standard deviation', () => {
    // values 1, 2, 4: mean 7/3, squared deviations 16/9 + 1/9 + 25/9 = 42/9, over n − 1 = 2 → 7/3
    const s = runStats([1, 2, 4]);
    expect(s.mean).toBeCloseTo(7 / 3, 14);
    expect(s.std).toBeCloseTo(Math.sqrt(7 / 3), 14);
    expect(runStats([0.5]).std).toBe(0);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/documents/csv-rows.ts';
import { readEncryptedZipMember } from '../src/documents/encrypted-zip.ts';
import { readResultsFile } from '../src/report/read.ts';
import { loadSuite, parseSuite, scoreSuite } from '../src/suites/index.ts';
import { evalboard, listFiles, ROOT, tempDir } from './helpers.ts';

const dataDir = process.env.EVALBOARD_DATA_DIR ?? join(ROOT, '../shared/datasets');
const GPQA_ZIP = join(dataDir, 'gpqa', 'dataset.zip');

describe.skipIf(!existsSync(GPQA_ZIP))('run --suite openllm_v2', () => {
  const out = tempDir('suite-');
  const cache = tempDir('suite-cache-');
  const run = evalboard(
    [
      'run',
      '--suite',
      'openllm_v2',
      '--model',
      'dummy',
      '--limit',
      '3',
      '--output_path',
      out,
      '--log_samples',
      '--quiet',
    ],
    { EVALBOARD_CACHE: cache, EVALBOARD_DATA_DIR: dataDir },
  );
  const resultsFile = () => listFiles(out).find((f) => /results_.*\.json$/.test(f))!;

  it('prints raw, normalised and total scores, and lists the benchmarks this build cannot score', async () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Suite openllm_v2\n\|Benchmark/);
    expect(run.stdout).toMatch(/\|GPQA +\|leaderboard_gpqa +\|acc_norm,none +\|0\.\d{4}\| +0\.2500\| +\d+\.\d\d\|/);
    expect(run.stdout).toMatch(/Total (over \d of 6 benchmarks|\(mean of 6 normalised scores\)): \d+\.\d\d/);
    expect(run.stdout).toContain('  - --limit 3: the suite scores every document');
    const { suite } = await readResultsFile(resultsFile());
    expect(suite).toBeDefined();
    // Each benchmark missing from this build is one line, on stderr before the run and in the report.
    for (const line of suite!.missing) {
      const name = line.split(' (')[0]!;
      expect(suite!.benchmarks[name]!.normalised).toBeNull();
      expect(run.stderr).toContain(`suite openllm_v2: ${name} left out (`);
    }
    expect(suite!.complete).toBe(suite!.missing.length === 0);
  });

  it('normalises from the results: BBH and MuSR per subtask, GPQA and MMLU-Pro against 1/choices; total = mean', async () => {
    const report = await readResultsFile(resultsFile());
    const suite = report.suite!;
    const norm = (raw: number, b: number) => (Math.max(0, raw - b) / (1 - b)) * 100;
    const bbh = suite.benchmarks.BBH!;
    const subtasks = Object.entries(bbh.subtasks!);
    expect(subtasks).toHaveLength(24);
    for (const [name, s] of subtasks) expect(s.raw).toBe(report.results[name]!['acc_norm,none']);
    expect(subtasks.find(([n]) => n === 'leaderboard_bbh_object_counting')![1].baseline).toBe(1 / 19);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(bbh.normalised).toBeCloseTo(mean(subtasks.map(([, s]) => norm(s.raw, s.baseline))), 12);
    expect(bbh.raw).toBe(report.groups.leaderboard_bbh!['acc_norm,none']);
    const gpqa = suite.benchmarks.GPQA!;
    expect([gpqa.raw, gpqa.baseline]).toEqual([report.groups.leaderboard_gpqa!['acc_norm,none'], 0.25]);
    expect(gpqa.normalised).toBeCloseTo(norm(gpqa.raw!, 0.25), 12);
    expect(suite.benchmarks['MMLU-PRO']!.baseline).toBe(0.1);
    expect(Object.keys(suite.benchmarks).sort()).toEqual(['BBH', 'GPQA', 'IFEval', 'MATH Lvl 5', 'MMLU-PRO', 'MUSR']);
    const scored = Object.values(suite.benchmarks).flatMap((b) => (b.normalised === null ? [] : [b.normalised]));
    expect(suite.total).toBeCloseTo(mean(scored), 12);
  });

  it('checks the setup: the whole data at the suite’s shots matches; a limit or other shots do not', async () => {
    const report = await readResultsFile(resultsFile());
    const definition = await loadSuite('openllm_v2');
    expect(report.suite!.setup.matched).toBe(false);
    // Same numbers without --limit: the document counts (the data's, not the limit's) and the shots match.
    const full = { ...report, config: { ...report.config, limit: null } };
    const unavailable = new Map(report.suite!.missing.map((m) => [m.split(' (')[0]!, 'missing']));
    expect(scoreSuite(definition, full, unavailable).setup).toEqual({ matched: true, mismatches: [] });
    const zeroShot = { ...full, 'n-shot': { ...full['n-shot'], leaderboard_bbh_navigate: 0 } };
    expect(scoreSuite(definition, zeroShot, unavailable).setup.mismatches).toEqual([
      'BBH: 1 task(s) ran 0-shot, the suite fixes 3',
    ]);
    const fewerDocs = {
      ...full,
      'n-samples': { ...full['n-samples'], leaderboard_gpqa_main: { original: 400, effective: 3 } },
    };
    expect(scoreSuite(definition, fewerDocs, unavailable).setup.mismatches).toEqual([
      "GPQA: 1144 documents in the data, the suite's benchmark has 1192",
    ]);
  });

  it('writes no GPQA question to any file: results, samples (redacted to ids and choice order) or cache', () => {
    const zip = readFileSync(GPQA_ZIP);
    const questions = ['gpqa_diamond', 'gpqa_main', 'gpqa_extended']
      .flatMap((config) => {
        const csv = readEncryptedZipMember(zip, `dataset/${config}.csv`, 'deserted-untie-orchid', GPQA_ZIP);
        return parseCsv(csv.toString('utf8'), config)
          .slice(0, 3)
          .flatMap((row) => [String(row.Question).slice(0, 60), String(row['Correct Answer']).trim().slice(0, 40)]);
      })
      .filter((text) => text.length >= 20); // a short answer ("11") can occur anywhere
    const files = [...listFiles(out), ...listFiles(cache)];
    expect(files.some((f) => f.includes('samples_leaderboard_gpqa_main'))).toBe(true);
    for (const file of files) {
      const bytes = readFileSync(file).toString('utf8');
      for (const text of questions) expect(bytes.includes(text), `${file} holds GPQA text`).toBe(false);
    }
    const sample = JSON.parse(
      readFileSync(listFiles(out).find((f) => f.includes('samples_leaderboard_gpqa_main'))!, 'utf8').split('\n')[0]!,
    );
    expect(Object.keys(sample.doc).sort()).toEqual([
      'High-level domain',
      'Record ID',
      'Subdomain',
      'answer',
      'choice_order',
    ]);
  });
});

describe('suite files and flags', () => {
  it('refuses a suite file that does not say how to normalise, and --suite with --tasks', () => {
    const text = readFileSync(join(ROOT, 'suites/openllm_v2.yaml'), 'utf8');
    expect(() => parseSuite(text.replace('    choices: 4\n', '    choices: 1\n'), 'bad.yaml')).toThrow(/>=2/);
    expect(() => parseSuite(text.replace('total: mean', 'total: max'), 'bad.yaml')).toThrow(/mean/);
    expect(() =>
      parseSuite(text.replace('    choices: 4\n', '    choices: 4\n    subtasks: { a: { choices: 2 } }\n'), 'bad.yaml'),
    ).toThrow(/choices or subtasks, not both/);
    const both = evalboard(['run', '--suite', 'openllm_v2', '--tasks', 'arc_easy', '--model', 'dummy']);
    expect([both.status, both.stderr.trim()]).toEqual([
      2,
      'error: --tasks: --suite runs its own tasks (give --suite or --tasks, not both)',
    ]);
    const unknown = evalboard(['run', '--suite', 'openllm_v3', '--model', 'dummy']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^error: --suite: no suite openllm_v3 \(shipped suites are the \.yaml files in /);
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportMeraSubmission } from '../src/submissions/mera-export.ts';
import { type MeraSubmissionScore, scoreMeraSubmission } from '../src/submissions/mera-score.ts';
import { evalboard, listFiles, readResults, tempDir } from './helpers.ts';
import { cardRecords, meraDataDir } from './mera-fixture.ts';

/**
 * USE and ruCodeEval scored locally as MERA's website scores them, on the card records (each task's
 * records twice, the copies with id + 1000): answers given through an outputs file, so which ones
 * are right is known, and the run's scores must equal the hand-computed values and the scores of
 * its own export by `score-submission`.
 */

/** USE answers per doc (the 5 card records, then their copies): the points each earns by MERA's rules in the comment. */
const USE_ANSWERS = [
  'Праздничного!', // text, gold "праздничного": digits and non-word characters removed, lower case → 1 of 1
  '8,1,3,7', // matching, gold "8,1,9,7": 3 of 4 positions
  '3,1', // multiple choice, gold "1,3": the same set → 1 of 1
  '1', // multiple choice, gold "1,2": not the same set → 0 of 1
  '9', // multiple choice, gold "9" → 1 of 1
  'другое', // → 0 of 1
  '8,1,9', // matching with a list of the wrong length → 0 of 4
  '1,3', // → 1 of 1
  '2,1', // → 1 of 1
  '8', // → 0 of 1
];
/** Per exam variant points over possible points — 104: 1/2, 29: 3/8, 100: 2/2, 11: 1/2, 0: 1/2 — then their mean. */
const USE_GRADE_NORM = (1 / 2 + 3 / 8 + 2 / 2 + 1 / 2 + 1 / 2) / 5;

const code = cardRecords().rucodeeval![0]!;
const CANONICAL = String(code.meta.canonical_solution);
const WRONG = '\n    return a * b\n';
const SYNTAX_ERROR = '\n    return (\n';
const PRINTS = "\n    print('50')\n    return a\n";
const LOOPS = '\n    while True:\n        pass\n';
/** Doc 0: 3 of 10 generations pass; doc 1: 1 of 10, and one never ends. */
const CODE_ANSWERS = [
  [CANONICAL, CANONICAL, CANONICAL, WRONG, SYNTAX_ERROR, PRINTS, WRONG, WRONG, WRONG, WRONG],
  [CANONICAL, LOOPS, ...Array.from({ length: 8 }, () => WRONG)],
];
/** pass@k = 1 − C(n−c, k)/C(n, k): doc 0 (c = 3) and doc 1 (c = 1), averaged. */
const PASS = {
  'pass@1': (0.3 + 0.1) / 2,
  'pass@5': (1 - 21 / 252 + (1 - 126 / 252)) / 2,
  'pass@10': 1,
};

function outputsFile(answers: readonly (string | readonly string[])[]): string {
  const file = join(tempDir('mera-outputs-'), 'outputs.jsonl');
  const lines = answers.map((a, i) => JSON.stringify({ doc_id: i, outputs: typeof a === 'string' ? [a] : a }));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** The copies (the second half, ids + 1000) get prompts of their own, so the outputs file can answer them differently. */
const data = meraDataDir((task, records, split) =>
  split !== 'test'
    ? records
    : records.map((r, i) => {
        if (i < records.length / 2 || typeof r.inputs === 'string') return r;
        if (task === 'use') return { ...r, inputs: { ...r.inputs, text: `${r.inputs.text} ` } };
        if (task === 'rucodeeval') return { ...r, inputs: { ...r.inputs, function: `# copy${r.inputs.function}` } };
        return r;
      }),
);
const runs = tempDir('mera-local-');

function score(task: string, outputs: string, extra: readonly string[] = []) {
  return evalboard([
    'score',
    '--tasks',
    task,
    '--outputs',
    outputs,
    '--data_dir',
    data,
    '--output_path',
    join(runs, task),
    '--log_samples',
    ...extra,
  ]);
}

function samplesRows(task: string): { doc_id: number; mera_prediction: unknown }[] {
  const file = listFiles(join(runs, task)).find((f) => f.includes(`samples_${task}_`))!;
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

const humaneval = cardRecords().ruhumaneval![0]!;

let use: Record<string, number>;
let rucodeeval: Record<string, number>;
let ruhumaneval: Record<string, number>;
let submission: MeraSubmissionScore;

beforeAll(async () => {
  const u = score('mera_use', outputsFile(USE_ANSWERS));
  expect(u.status, u.stderr).toBe(0);
  const c = score('mera_rucodeeval', outputsFile(CODE_ANSWERS), ['--confirm_run_unsafe_code']);
  expect(c.status, c.stderr).toBe(0);
  // ruHumanEval's card record: its canonical solution (a nested helper, list results) in all 10 generations.
  const h = score(
    'mera_ruhumaneval',
    outputsFile([0, 1].map(() => Array(10).fill(humaneval.meta.canonical_solution))),
    ['--confirm_run_unsafe_code'],
  );
  expect(h.status, h.stderr).toBe(0);
  const resultsOf = (task: string) =>
    (readResults(join(runs, task)).results as Record<string, Record<string, number>>)[task]!;
  use = resultsOf('mera_use');
  rucodeeval = resultsOf('mera_rucodeeval');
  ruhumaneval = resultsOf('mera_ruhumaneval');
  const zip = join(tempDir('mera-local-zip-'), 'submission.zip');
  const gold = join(tempDir('mera-local-gold-'), 'gold');
  const exported = await exportMeraSubmission(runs, zip, { goldDir: gold });
  expect(exported.skipped).toEqual([]);
  submission = await scoreMeraSubmission(zip, gold);
}, 120_000);

describe('USE: grade_norm of a run', () => {
  it('is the website’s per-variant points over possible points, and equals score-submission of its export', () => {
    expect(use['grade_norm,scoring']).toBeCloseTo(USE_GRADE_NORM, 12);
    expect(submission.tasks.USE?.status).toBe('scored');
    expect(submission.tasks.USE?.metrics.grade_norm).toBe(use['grade_norm,scoring']);
  });
});

describe('ruCodeEval: generated functions run on each record’s tests in the sandbox', () => {
  it('records per-test outputs: the canonical solution gives the gold, a wrong one other values, a hang "timed out"', () => {
    const rows = samplesRows('mera_rucodeeval');
    const gold = code.outputs as string[];
    const [first, second] = rows.map((r) => r.mera_prediction as unknown[]);
    expect(first).toHaveLength(10);
    expect(first![0]).toEqual(gold);
    // a * b on {'a': 100, 'b': 50} ... ; a syntax error: every test null; printing does not disturb the outputs.
    expect(first![3]).toEqual(['5000', '5488', '155520', '2187', '1815', '91', '392', '250', '648', '735']);
    expect(first![4]).toEqual(Array.from({ length: 10 }, () => null));
    expect(first![5]).toEqual(['100', '98', '540', '81', '33', '7', '14', '10', '12', '21']);
    expect(second![0]).toEqual(gold);
    expect(second![1]).toBe('timed out');
  });

  it('gives pass@1/5/10 as MERA computes them, and the same as score-submission of its export', () => {
    for (const [metric, value] of Object.entries(PASS)) {
      expect(rucodeeval[`${metric},scoring`], metric).toBeCloseTo(value, 12);
      expect(submission.tasks.ruCodeEval?.metrics[metric], metric).toBeCloseTo(value, 12);
    }
    expect(submission.errors).toEqual([]);
  });

  it('ruHumanEval: its canonical solution gives the gold outputs ("[3, 2, 3, 3]" as Python prints a list) and pass@k 1', () => {
    for (const row of samplesRows('mera_ruhumaneval')) {
      expect(row.mera_prediction).toEqual(Array(10).fill(humaneval.outputs));
    }
    for (const metric of ['pass@1', 'pass@5', 'pass@10']) {
      expect(ruhumaneval[`${metric},scoring`], metric).toBe(1);
      expect(submission.tasks.ruHumanEval?.metrics[metric], metric).toBe(1);
    }
  });

  it('without --confirm_run_unsafe_code stops before any request with one line', () => {
    const r = score('mera_rucodeeval', outputsFile(CODE_ANSWERS));
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('mera_rucodeeval executes model-written code');
    expect(lines[0]).toContain('--confirm_run_unsafe_code');
  });
});

describe('ruDetox: J is not computed here, and the results say so', () => {
  it('records sta, sim, fl and j as null with the reason, and the printed table names it', () => {
    const out = tempDir('mera-detox-');
    const r = evalboard([
      'run',
      '--model',
      'dummy',
      '--tasks',
      'mera_rudetox',
      '--data_dir',
      data,
      '--output_path',
      out,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const report = readResults(out) as unknown as {
      results: Record<string, Record<string, unknown>>;
      configs: Record<string, { not_computed_locally: Record<string, string> }>;
    };
    for (const metric of ['sta', 'sim', 'fl', 'j'])
      expect(report.results.mera_rudetox![`${metric},scoring`]).toBeNull();
    const reason = report.configs.mera_rudetox!.not_computed_locally['j,scoring']!;
    expect(reason).toContain('three neural classifiers');
    expect(r.stdout).toContain(`mera_rudetox j: not computed locally: ${reason}`);
  });
});

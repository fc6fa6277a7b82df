import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { parseCsv, readLeaderboardCsv } from './read-leaderboard.ts';
import { readResultsFile, readResultsInputs } from './read-results.ts';
import { samplesForInput } from './read-samples.ts';

const DATA = process.env.EVALBOARD_DATA_DIR ?? join(import.meta.dirname, '../../../shared/datasets');
const STAMP = '2024-05-01T10-00-00.123456';

function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'read-results-')), name);
  writeFileSync(file, text);
  return file;
}

function userError(run: () => unknown): UserError {
  try {
    run();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

/** The shape lm-eval v0.4 writes: metric keys with filters, bookkeeping beside them, groups apart. */
const LM_EVAL_V04 = {
  results: {
    mmlu_anatomy: { alias: ' - anatomy', 'acc,none': 0.25, 'acc_stderr,none': 0.05, sample_len: 135 },
    gsm8k: {
      alias: 'gsm8k',
      'exact_match,strict-match': 0.1,
      'exact_match_stderr,strict-match': 0.01,
      'exact_match,flexible-extract': 0.2,
      'exact_match_stderr,flexible-extract': 'N/A',
      samples: ['bookkeeping'],
      sample_count: { 'exact_match,strict-match': 1319 },
    },
  },
  groups: { mmlu: { alias: 'mmlu', 'acc,none': 0.3, 'acc_stderr,none': 0.01 } },
  group_subtasks: { mmlu: ['mmlu_anatomy'], gsm8k: [] },
  config: { model: 'hf', model_args: 'pretrained=EleutherAI/pythia-160m,revision=step3000,dtype=float32' },
  model_name: 'EleutherAI/pythia-160m',
};

describe('readResultsFile', () => {
  it('reads lm-eval v0.4 keys, drops the `none` filter, keeps others, and skips bookkeeping', () => {
    const run = readResultsFile(tempFile(`results_${STAMP}.json`, JSON.stringify(LM_EVAL_V04)));
    expect(run).toMatchObject({ format: 'lm-eval-0.4', model: 'EleutherAI/pythia-160m', step: 3000, setting: '' });
    expect(run.tasks.get('mmlu_anatomy')).toEqual(new Map([['acc', { value: 0.25, stderr: 0.05 }]]));
    expect(run.tasks.get('gsm8k')).toEqual(
      new Map([
        ['exact_match,strict-match', { value: 0.1, stderr: 0.01 }],
        ['exact_match,flexible-extract', { value: 0.2 }],
      ]),
    );
    expect(run.tasks.get('mmlu')!.get('acc')).toEqual({ value: 0.3, stderr: 0.01 });
    expect(run.groups).toEqual(new Map([['mmlu', ['mmlu_anatomy']]]));
  });

  it('reads the lm-eval v0.3 Pythia files, with the step from model_args', () => {
    const file = join(DATA, 'checkpoint-evals/pythia/pythia-v1/pythia-1.4b/zero-shot/1.4b_step143000.json');
    const run = readResultsFile(file);
    expect(run).toMatchObject({
      format: 'lm-eval-0.3',
      model: 'EleutherAI/pythia-v1.1-1.4b',
      step: 143000,
      setting: '0-shot',
    });
    // SOURCE.md's example values.
    expect(run.tasks.get('piqa')!.get('acc')).toEqual({ value: 0.7089227421109902, stderr: 0.010598612490942592 });
    expect(run.tasks.get('lambada_openai')!.get('ppl')!.value).toBe(6.0857145325729105);
    expect(run.tasks.size).toBe(87);
  });

  it('takes the step from the file name when model_args has none', () => {
    const run = readResultsFile(tempFile('ckpt_step_2500.json', JSON.stringify({ results: { t: { acc: 0.5 } } })));
    expect(run.step).toBe(2500);
    expect(run.model).toBe('unknown');
  });

  it('names the file and the field in errors', () => {
    const noResults = tempFile('a.json', '{"config": {}}');
    expect(userError(() => readResultsFile(noResults)).format()).toBe(
      `${noResults}: results: missing the "results" object`,
    );
    const badValue = tempFile('b.json', JSON.stringify({ results: { arc: { 'acc,none': 'high' } } }));
    expect(userError(() => readResultsFile(badValue)).format()).toMatch(
      /b\.json: results\.arc\.acc,none: expected a number/,
    );
    expect(userError(() => readResultsFile(tempFile('c.json', '{oops'))).format()).toMatch(/c\.json: not valid JSON/);
    expect(userError(() => readResultsInputs(['/nonexistent/x'])).format()).toBe(
      '/nonexistent/x: no such file or folder',
    );
  });
});

describe('samplesForInput', () => {
  it('reads the samples beside a results file, keyed by doc hash, doc id when missing, with filters merged', () => {
    const results = tempFile(`results_${STAMP}.json`, JSON.stringify(LM_EVAL_V04));
    const rows = [
      { doc_id: 0, doc_hash: 'h0', filter: 'strict-match', metrics: ['exact_match'], exact_match: 1, doc: { q: 'a' } },
      {
        doc_id: 0,
        doc_hash: 'h0',
        filter: 'flexible-extract',
        metrics: ['exact_match'],
        exact_match: 0,
        doc: { q: 'a' },
      },
      { doc_id: 1, doc_hash: 'h0', filter: 'strict-match', metrics: ['exact_match'], exact_match: 0, doc: { q: 'a' } },
      { doc_id: 2, filter: 'strict-match', metrics: ['exact_match', 'bits'], exact_match: 1, bits: [1.5, 3] },
    ];
    writeFileSync(join(results, '..', `samples_gsm8k_${STAMP}.jsonl`), rows.map((r) => JSON.stringify(r)).join('\n'));
    writeFileSync(join(results, '..', 'samples_gsm8k_2024-01-01T00-00-00.0.jsonl'), 'not this run\n');
    const [task] = samplesForInput(results);
    expect(task!.task).toBe('gsm8k');
    expect([...task!.items.keys()]).toEqual(['h0', 'h0#2', 'doc_id:2']);
    expect(task!.items.get('h0')!.values).toEqual(
      new Map([
        ['exact_match,strict-match', 1],
        ['exact_match,flexible-extract', 0],
      ]),
    );
    // A corpus-level [value, weight] pair is no per-item score.
    expect(task!.items.get('doc_id:2')!.values).toEqual(new Map([['exact_match,strict-match', 1]]));
  });

  it('says which line of a samples file is broken', () => {
    const file = tempFile(`samples_arc_${STAMP}.jsonl`, '{"doc_id": 0}\n{"doc": 1}\n');
    expect(userError(() => samplesForInput(file)).format()).toBe(`${file}:2: doc_id: missing a numeric doc_id`);
  });
});

describe('leaderboard CSV', () => {
  it('parses quoted fields with commas, doubled quotes, line breaks and CRLF', () => {
    expect(parseCsv('a,b\r\n"x, ""y""","line\nbreak"\n1,\n')).toEqual([
      ['a', 'b'],
      ['x, "y"', 'line\nbreak'],
      ['1', ''],
    ]);
  });

  it('reads one run per row, with the step column and only numeric score columns by default', () => {
    const runs = readLeaderboardCsv(join(DATA, 'checkpoint-evals/tinyllama/instruct_eval.csv'), { step: 'step' });
    expect(runs).toHaveLength(7);
    expect(runs[0]).toMatchObject({ model: 'Pythia-1.0B', format: 'leaderboard-csv' });
    expect(runs[0]!.step).toBeUndefined();
    expect(runs[1]!.step).toBe(50000);
    expect([...runs[1]!.tasks.keys()]).toEqual(['mmlu', 'bbh', 'humaneval', 'drop']);
    expect(runs[1]!.tasks.get('mmlu')).toEqual(new Map([['score', { value: 26.45 }]]));
  });

  it('names the column or line at fault', () => {
    const file = tempFile('lb.csv', 'model,score\nm1,0.5\nm2,high,extra\n');
    expect(userError(() => readLeaderboardCsv(file, { scores: ['score'] })).format()).toBe(
      `${file}:3: 3 cells, header has 2`,
    );
    expect(userError(() => readLeaderboardCsv(file, { step: 'steps' })).format()).toMatch(
      /lb\.csv: steps: no such column/,
    );
  });
});

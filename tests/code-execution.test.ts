import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalboard, listFiles, readResults, ROOT, STORIES, tempDir } from './helpers.ts';

const DATA = join(ROOT, '../shared/datasets');

function jsonl(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** An outputs file answering every document with the dataset's own solution. */
function canonicalOutputs(rows: readonly Record<string, unknown>[], field: string): string {
  const file = join(tempDir('outputs-'), 'outputs.jsonl');
  writeFileSync(file, rows.map((row, i) => JSON.stringify({ doc_id: i, outputs: [row[field]] })).join('\n'));
  return file;
}

function samples(outputPath: string, task: string): Record<string, unknown>[] {
  const file = listFiles(outputPath).find((f) => f.includes(`samples_${task}_`));
  if (!file) throw new Error(`no samples file for ${task} under ${outputPath}`);
  return jsonl(file);
}

/** Scores an outputs file as a user would; returns the output folder. */
function score(task: string, outputs: string, extra: readonly string[] = [], env: Record<string, string> = {}) {
  const out = tempDir('score-');
  const r = evalboard(
    [
      'score',
      '--tasks',
      task,
      '--outputs',
      outputs,
      '--data_dir',
      DATA,
      '--output_path',
      out,
      '--log_samples',
      '--confirm_run_unsafe_code',
      ...extra,
    ],
    env,
  );
  expect(r.stderr).not.toMatch(/error/);
  expect(r.status).toBe(0);
  return out;
}

describe('code execution through the pipeline a model’s completions take', () => {
  it('passes all 164 HumanEval canonical solutions, and a rerun executes nothing again', () => {
    const rows = jsonl(join(DATA, 'humaneval/HumanEval.jsonl'));
    expect(rows).toHaveLength(164);
    const outputs = canonicalOutputs(rows, 'canonical_solution');
    const cache = tempDir('cache-');
    const out = score('humaneval', outputs, [], { EVALBOARD_CACHE: cache });
    const rowsOut = samples(out, 'humaneval');
    expect(rowsOut).toHaveLength(164);
    const failed = rowsOut.filter((r) => r.pass_at_k !== 1).map((r) => r.doc_id);
    expect(failed).toEqual([]);
    const results = readResults(out) as {
      results: Record<string, Record<string, number>>;
      timing: { cache: { fresh: number } };
    };
    expect(results.results.humaneval!['pass_at_k,none']).toBe(1);
    expect(results.timing.cache.fresh).toBe(164);

    const again = readResults(score('humaneval', outputs, [], { EVALBOARD_CACHE: cache })) as typeof results & {
      timing: { cache: { hits: number } };
    };
    expect(again.timing.cache).toMatchObject({ hits: 164, fresh: 0 });
  });

  it('scores 10 samples per problem with pass@1, pass@5 and pass@10 (humaneval_10)', () => {
    const rows = jsonl(join(DATA, 'humaneval/HumanEval.jsonl')).slice(0, 2);
    // Doc 0: 3 of 10 samples pass; doc 1: none does.
    const broken = '    return None\n';
    const outputs = join(tempDir('outputs-'), 'outputs.jsonl');
    const lines = rows.map((row, i) => {
      const good = i === 0 ? 3 : 0;
      const samples = Array.from({ length: 10 }, (_, j) => (j < good ? row.canonical_solution : broken));
      return JSON.stringify({ doc_id: i, outputs: samples });
    });
    writeFileSync(outputs, lines.join('\n'));
    const rowsOut = samples(score('humaneval_10', outputs, ['--limit', '2']), 'humaneval_10');
    const expected = [
      [0.3, 1 - 21 / 252, 1],
      [0, 0, 0],
    ];
    rowsOut.forEach((row, i) => {
      expect(row.filter).toBe('create_test');
      [row.pass_at_1, row.pass_at_5, row.pass_at_10].forEach((value, m) => {
        expect(Math.abs((value as number) - expected[i]![m]!)).toBeLessThan(1e-12);
      });
    });
    const details = (rowsOut[0]!.evalboard as { details: Record<string, { n: number; c: number }> }).details;
    expect(details.pass_at_10).toMatchObject({ n: 10, c: 3 });
  });

  it('passes MBPP’s test-split reference code except two problems lm-eval fails too', () => {
    const rows = jsonl(join(DATA, 'mbpp/mbpp.jsonl')).filter(
      (r) => (r.task_id as number) >= 11 && (r.task_id as number) <= 510,
    );
    expect(rows).toHaveLength(500);
    const out = score('mbpp', canonicalOutputs(rows, 'code'));
    const failures = samples(out, 'mbpp')
      .filter((r) => r.pass_at_1 !== 1)
      .map((r) => {
        const { details } = r.evalboard as {
          details: { pass_at_1: { executions: { status: string; exception?: string }[] } };
        };
        const [execution] = details.pass_at_1.executions;
        return [(r.doc as { task_id: number }).task_id, execution!.status, execution!.exception ?? null];
      });
    // 123: the reference needs about 4 s of CPU, over lm-eval's 3 s timeout.
    // 367: its tests need test_setup_code (the tree `root`), which lm-eval's mbpp never runs.
    expect(failures).toEqual([
      [123, 'timeout', null],
      [367, 'error', 'NameError'],
    ]);
  });

  it('runs humaneval and mbpp on stories260K only with --confirm_run_unsafe_code, recording each execution', () => {
    const model = ['--model', 'llamacpp', '--model_args', `pretrained=${STORIES}`];
    const args = ['run', ...model, ...'--tasks humaneval,mbpp --limit 3'.split(' '), '--data_dir', DATA];
    const refused = evalboard(args);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--confirm_run_unsafe_code');

    const out = tempDir('run-');
    const r = evalboard([...args, '--confirm_run_unsafe_code', '--output_path', out, '--log_samples']);
    expect(r.status).toBe(0);
    const results = readResults(out) as unknown as { results: Record<string, Record<string, number>> };
    expect(results.results.humaneval!['pass_at_k,none']).toBeTypeOf('number');
    expect(results.results.mbpp!['pass_at_1,none']).toBeTypeOf('number');
    for (const [task, metric] of [
      ['humaneval', 'pass_at_k'],
      ['mbpp', 'pass_at_1'],
    ] as const) {
      const rowsOut = samples(out, task);
      expect(rowsOut).toHaveLength(3);
      for (const row of rowsOut) {
        const details = (row.evalboard as { details: Record<string, { n: number; executions: { status: string }[] }> })
          .details[metric]!;
        expect(details.n).toBe(1);
        expect(['passed', 'failed', 'error', 'timeout', 'killed']).toContain(details.executions[0]!.status);
      }
    }

    // The run's samples file is an outputs file: scoring it gives the run's rows back.
    const samplesFile = listFiles(out).find((f) => f.includes('samples_mbpp_'))!;
    const rescored = samples(score('mbpp', samplesFile, ['--limit', '3']), 'mbpp');
    const comparable = (rows: Record<string, unknown>[]) =>
      rows.map(({ doc_id, resps, filtered_resps, prompt_hash, pass_at_1, evalboard }) => ({
        doc_id,
        resps,
        filtered_resps,
        prompt_hash,
        pass_at_1,
        evalboard,
      }));
    expect(comparable(rescored)).toEqual(comparable(samples(out, 'mbpp')));
  });
});

/**
 * Places where the same lm-eval YAML and flags gave a different number than lm-eval v0.4.9.2:
 * each test runs the CLI on a small local task and checks what lm-eval's code does
 * (lm_eval/api/task.py, lm_eval/evaluator.py, lm_eval/filters/extraction.py).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalboard, listFiles, readResults, tempDir } from './helpers.ts';

/** Writes a task YAML over a local JSONL file and returns its folder. */
function task(name: string, rows: readonly object[], yaml: readonly string[]): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'data.jsonl'), `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const header = [
    `task: ${name}`,
    'dataset_path: json',
    'dataset_kwargs:',
    `  data_files: {test: ${join(dir, 'data.jsonl')}}`,
    'test_split: test',
  ];
  writeFileSync(join(dir, `${name}.yaml`), [...header, ...yaml, 'metadata: {version: 1}', ''].join('\n'));
  return dir;
}

function samples(out: string, name: string): Record<string, unknown>[] {
  const file = listFiles(out).find((f) => f.includes(`samples_${name}_`));
  if (!file) throw new Error(`no samples file for ${name} in ${out}`);
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

function run(dir: string, name: string, extra: readonly string[] = []) {
  const out = tempDir();
  const r = evalboard([
    'run',
    '--model',
    'dummy',
    '--include_path',
    dir,
    '--tasks',
    name,
    '--output_path',
    out,
    '--log_samples',
    '--no_cache',
    ...extra,
  ]);
  expect(r.status, r.stderr).toBe(0);
  return { out, stderr: r.stderr, rows: samples(out, name), results: readResults(out) };
}

describe('lm-eval fidelity', () => {
  it('loglikelihood tasks score doc_to_target alone, with no target_delimiter in front (lambada_openai)', () => {
    const rows = [{ text: 'He handed the letter to the mailman' }, { text: 'The cat sat on the mat' }];
    const dir = task('lambada_style', rows, [
      'output_type: loglikelihood',
      "doc_to_text: \"{{text.split(' ')[:-1]|join(' ')}}\"",
      "doc_to_target: \"{{' '+text.split(' ')[-1]}}\"",
      'metric_list:',
      '  - metric: acc',
    ]);
    const { rows: out } = run(dir, 'lambada_style');
    const args = out.map((r) => (r.arguments as Record<string, { arg_0: string; arg_1: string }>).gen_args_0!);
    expect(args.map((a) => a.arg_1)).toEqual([' mailman', ' mat']);
    expect(args[0]!.arg_0).toBe('He handed the letter to the');
  });

  it('arithmetic-style loglikelihood tasks keep a target that has no leading space as is', () => {
    const rows = [{ context: 'Question: What is 2 plus 3?\nAnswer:', completion: ' 5' }];
    const dir = task('arith_style', rows, [
      'output_type: loglikelihood',
      'doc_to_text: "{{context}}"',
      'doc_to_target: "{{completion}}"',
      'target_delimiter: "|"',
      'metric_list:',
      '  - metric: acc',
    ]);
    const [row] = run(dir, 'arith_style').rows;
    expect((row!.arguments as Record<string, { arg_1: string }>).gen_args_0!.arg_1).toBe(' 5');
  });

  it('--num_fewshot leaves a task whose YAML sets num_fewshot: 0 at zero shots, with a warning', () => {
    const rows = Array.from({ length: 6 }, (_, i) => ({ q: `${i}+${i}`, a: `${2 * i}` }));
    const dir = task('fixed_zero', rows, [
      'output_type: generate_until',
      'doc_to_text: "Q: {{q}}\\nA:"',
      'doc_to_target: "{{a}}"',
      'num_fewshot: 0',
      'generation_kwargs: {until: ["\\n"], max_gen_toks: 4}',
      'metric_list:',
      '  - metric: exact_match',
    ]);
    const { rows: out, stderr, results } = run(dir, 'fixed_zero', ['--num_fewshot', '3']);
    expect(stderr).toMatch(/fixed_zero sets num_fewshot: 0 .*--num_fewshot 3 is ignored/);
    expect((out[0]!.arguments as Record<string, { arg_0: string }>).gen_args_0!.arg_0).toBe('Q: 0+0\nA:');
    expect((results['n-shot'] as Record<string, number>).fixed_zero).toBe(0);
  });

  it('generate_until with doc_to_choice compares the output with the text of choice doc_to_target', () => {
    const rows = [
      { q: 'Colour of the sky?', options: ['green', 'blue'], label: 1 },
      { q: 'Colour of grass?', options: ['green', 'blue'], label: 0 },
    ];
    const dir = task('gen_choice', rows, [
      'output_type: generate_until',
      'doc_to_text: "{{q}}"',
      'doc_to_choice: "{{options}}"',
      'doc_to_target: label',
      'generation_kwargs: {until: ["\\n"], max_gen_toks: 4}',
      'filter_list:',
      '  - name: strip',
      '    filter: [{function: remove_whitespace}, {function: take_first}]',
      'metric_list:',
      '  - metric: exact_match',
    ]);
    const script = join(dir, 'script.json');
    writeFileSync(script, JSON.stringify([' blue \n', 'blue']));
    const { rows: out, results } = run(dir, 'gen_choice', ['--model_args', `script_file=${script}`]);
    // Doc 0 answers "blue" (its gold); doc 1 answers "blue" too, but its gold is "green".
    expect(out.map((r) => r.exact_match)).toEqual([1, 0]);
    expect(out.map((r) => r.target)).toEqual(['1', '0']); // the samples keep str(doc_to_target), as lm-eval's do
    expect((results.results as Record<string, Record<string, number>>).gen_choice!['exact_match,strip']).toBe(0.5);
  });

  it('remove_whitespace strips both ends, as lm-eval v0.4.9.2 does', () => {
    const rows = [{ q: 'Say 42', a: '42' }];
    const dir = task('strip_both', rows, [
      'output_type: generate_until',
      'doc_to_text: "{{q}}"',
      'doc_to_target: "{{a}}"',
      'generation_kwargs: {until: ["<end>"], max_gen_toks: 8}',
      'filter_list:',
      '  - name: strip',
      '    filter: [{function: remove_whitespace}, {function: take_first}]',
      'metric_list:',
      '  - metric: exact_match',
    ]);
    const script = join(dir, 'script.json');
    writeFileSync(script, JSON.stringify(['  42 \n']));
    const [row] = run(dir, 'strip_both', ['--model_args', `script_file=${script}`]).rows;
    expect(row!.filtered_resps).toEqual(['42']);
    expect(row!.exact_match).toBe(1);
  });

  it('multiple-input tasks (winogrande): each choice ends the context, doc_to_target is the continuation, gold from doc_to_text', () => {
    // winogrande's shape: doc_to_text gives the index of the right option, doc_to_choice the
    // sentence up to the blank with each option, doc_to_target the rest of the sentence.
    const rows = [
      {
        options: [
          'The trophy did not fit the suitcase because the trophy',
          'The trophy did not fit the suitcase because the suitcase',
        ],
        answer: 0,
        rest: 'was too big.',
      },
      { options: ['Sam thanked Tom because Sam', 'Sam thanked Tom because Tom'], answer: 1, rest: 'had helped.' },
      { options: ['The cup broke when the cup', 'The cup broke when the floor'], answer: 0, rest: 'fell.' },
    ];
    const dir = task('wino_style', rows, [
      'output_type: multiple_choice',
      'doc_to_text: answer',
      'doc_to_target: "{{rest}}"',
      'doc_to_choice: "{{options}}"',
      'metric_list:',
      '  - metric: acc',
    ]);
    const { rows: out, results } = run(dir, 'wino_style', ['--num_fewshot', '1']);
    const first = out[0]!;
    const args = Object.values(first.arguments as Record<string, { arg_0: string; arg_1: string }>);
    expect(args).toHaveLength(2);
    // The shared context is the one few-shot example (its chosen option + target); each request
    // appends a choice, and every continuation is " " + doc_to_target.
    for (const [i, a] of args.entries()) {
      expect(a.arg_0.endsWith(rows[0]!.options[i]!)).toBe(true);
      expect(a.arg_1).toBe(' was too big.');
    }
    const shot = args[0]!.arg_0.slice(0, -rows[0]!.options[0]!.length);
    expect([`${rows[1]!.options[1]} ${rows[1]!.rest}\n\n`, `${rows[2]!.options[0]} ${rows[2]!.rest}\n\n`]).toContain(
      shot,
    );
    // acc compares the best-scoring choice with doc_to_text's index, not with the target string.
    for (const row of out) {
      const lls = (row.resps as [string | number, unknown][][]).map((r) => Number(r[0]![0]));
      const best = lls.indexOf(Math.max(...lls));
      expect(row.acc).toBe(best === (row.doc as { answer: number }).answer ? 1 : 0);
    }
    expect(out.map((r) => r.target)).toEqual(rows.map((r) => r.rest));
    const acc = (results.results as Record<string, Record<string, number>>).wino_style!['acc,none'];
    expect(acc).toBeCloseTo(out.reduce((n, r) => n + Number(r.acc), 0) / out.length, 12);
  });
});

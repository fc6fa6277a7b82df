/**
 * Groups as lm-eval v0.4.9.2 reports them (lm_eval/evaluator_utils.py: consolidate_group_results,
 * prepare_print_tasks, get_subtask_list): scores over leaf tasks, filter_list, group rows in
 * `results` with indented aliases, tags without a group, standalone tasks in `group_subtasks`.
 * Real tasks (arc, mmlu, gsm8k) on the dummy backend; every expected group score is computed here
 * from the per-task results with lm-eval's formulas.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evalboard, readResults, tempDir } from './helpers.ts';

type Entries = Record<string, number | string>;
interface Results {
  results: Record<string, Entries>;
  groups: Record<string, Entries>;
  group_subtasks: Record<string, string[]>;
  configs: Record<string, { task_alias?: string }>;
  'n-samples': Record<string, { effective: number }>;
}

const LIMIT = 12;

function fixtures(): string {
  const dir = tempDir('groups-');
  const write = (name: string, lines: readonly string[]) => writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
  // weight_by_size: false at both levels: lm-eval averages the three leaf tasks alike.
  write('_nest_outer.yaml', [
    'group: nest_outer',
    'task:',
    '  - arc_easy',
    '  - nest_inner',
    'aggregate_metric_list:',
    '  - metric: acc',
    '    weight_by_size: false',
    'metadata: {version: 1}',
  ]);
  write('_nest_inner.yaml', [
    'group: nest_inner',
    'group_alias: inner',
    'task: [mmlu_anatomy, mmlu_astronomy]',
    'aggregate_metric_list:',
    '  - metric: acc',
    '    weight_by_size: false',
    'metadata: {version: 1}',
  ]);
  write('_labels_only.yaml', ['group: labels_only', 'task: [arc_challenge]']);
  write('_gsm_strict.yaml', [
    'group: gsm_strict',
    'task: [gsm8k]',
    'aggregate_metric_list:',
    '  - metric: exact_match',
    '    filter_list: strict-match',
    'metadata: {version: 1}',
  ]);
  const rows = [0, 1, 2, 3].map((i) => JSON.stringify({ q: `question ${i}`, options: ['yes', 'no'], gold: i % 2 }));
  writeFileSync(join(dir, 'tiny.jsonl'), `${rows.join('\n')}\n`);
  for (const name of ['tiny_a', 'tiny_b'])
    write(`${name}.yaml`, [
      `task: ${name}`,
      'tag: tiny_tag',
      'dataset_path: json',
      `dataset_kwargs: {data_files: {test: ${join(dir, 'tiny.jsonl')}}}`,
      'test_split: test',
      'output_type: multiple_choice',
      `doc_to_text: "${name}: {{q}}"`,
      'doc_to_choice: "{{options}}"',
      'doc_to_target: gold',
      'metric_list: [{metric: acc}]',
      'metadata: {version: 1}',
    ]);
  return dir;
}

/** lm-eval's pooled_sample_stderr. */
function pooled(stderrs: readonly number[], sizes: readonly number[]): number {
  const total = sizes.reduce((a, b) => a + b, 0);
  const variance = sizes.reduce((a, n, i) => a + (n - 1) * stderrs[i]! ** 2 * n, 0) / (total - sizes.length);
  return Math.sqrt(variance / total);
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('groups as lm-eval v0.4.9.2 reports them', () => {
  let report: Results;
  let stdout: string;
  beforeAll(() => {
    const out = tempDir();
    const r = evalboard([
      'run',
      '--model',
      'dummy',
      '--include_path',
      fixtures(),
      '--tasks',
      'nest_outer,labels_only,gsm_strict,tiny_tag',
      '--limit',
      String(LIMIT),
      '--output_path',
      out,
      '--no_cache',
    ]);
    expect(r.status, r.stderr).toBe(0);
    stdout = r.stdout;
    report = readResults(out) as unknown as Results;
  }, 120_000);

  const acc = (task: string) => report.results[task]!['acc,none'] as number;

  it('a nested group with weight_by_size: false averages its leaf tasks, not its subgroups', () => {
    const leaves = ['arc_easy', 'mmlu_anatomy', 'mmlu_astronomy'];
    const expected = mean(leaves.map(acc));
    const overChildren = mean([acc('arc_easy'), report.groups.nest_inner!['acc,none'] as number]);
    // The fixture is only a test of the rule where the two readings give different numbers.
    expect(Math.abs(expected - overChildren)).toBeGreaterThan(1e-6);
    expect(report.groups.nest_outer!['acc,none']).toBeCloseTo(expected, 12);
    expect(report.groups.nest_inner!['acc,none']).toBeCloseTo(mean([acc('mmlu_anatomy'), acc('mmlu_astronomy')]), 12);
    const stderr = (t: string) => report.results[t]!['acc_stderr,none'] as number;
    const sizes = leaves.map((t) => report['n-samples'][t]!.effective);
    expect(sizes).toEqual([LIMIT, LIMIT, LIMIT]);
    expect(report.groups.nest_outer!['acc_stderr,none']).toBeCloseTo(pooled(leaves.map(stderr), sizes), 12);
  });

  it("aggregates only the filters the group's filter_list names", () => {
    expect(Object.keys(report.results.gsm8k!)).toEqual(
      expect.arrayContaining(['exact_match,strict-match', 'exact_match,flexible-extract']),
    );
    expect(Object.keys(report.groups.gsm_strict!).sort()).toEqual([
      'alias',
      'exact_match,strict-match',
      'exact_match_stderr,strict-match',
    ]);
    expect(report.groups.gsm_strict!['exact_match,strict-match']).toBe(
      report.results.gsm8k!['exact_match,strict-match'],
    );
  });

  it('writes groups into results in the table order, with indented aliases', () => {
    expect(Object.keys(report.results)).toEqual([
      'gsm_strict',
      'gsm8k',
      'labels_only',
      'arc_challenge',
      'nest_outer',
      'arc_easy',
      'nest_inner',
      'mmlu_anatomy',
      'mmlu_astronomy',
      'tiny_a',
      'tiny_b',
    ]);
    const alias = (t: string) => report.results[t]!.alias;
    expect(alias('nest_outer')).toBe('nest_outer');
    expect(alias('arc_easy')).toBe(' - arc_easy');
    expect(alias('nest_inner')).toBe(' - inner');
    expect(report.configs.mmlu_anatomy!.task_alias).toBe('anatomy');
    expect(alias('mmlu_anatomy')).toBe('  - anatomy');
    expect(alias('tiny_a')).toBe('tiny_a');
    // A group without aggregate_metric_list: a label row in results, nothing in groups.
    expect(report.results.labels_only).toEqual({ ' ': ' ', alias: 'labels_only' });
    expect(Object.keys(report.groups)).toEqual(['gsm_strict', 'nest_outer', 'nest_inner']);
    expect(report.groups.nest_inner).toEqual(report.results.nest_inner);
    // The printed table labels rows with the aliases, as lm-eval's make_table does.
    expect(stdout).toMatch(/^\| - inner +\|/m);
    expect(stdout).toMatch(/^\| {2}- anatomy +\|/m);
    expect(stdout).toMatch(/^\|labels_only +\|/m);
  });

  it('lists tags as their tasks, each standing alone, and standalone tasks in group_subtasks', () => {
    expect(report.groups).not.toHaveProperty('tiny_tag');
    expect(report.results).not.toHaveProperty('tiny_tag');
    expect(report.group_subtasks).toEqual({
      nest_outer: ['arc_easy', 'nest_inner'],
      nest_inner: ['mmlu_anatomy', 'mmlu_astronomy'],
      labels_only: ['arc_challenge'],
      gsm_strict: ['gsm8k'],
      tiny_a: [],
      tiny_b: [],
    });
  });
});

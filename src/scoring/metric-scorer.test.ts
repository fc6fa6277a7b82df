import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { resolveDataDir } from '../documents/data-dir.ts';
import { loadCatalog } from '../task/index.ts';
import type { TaskDefinition } from '../task/types.ts';
import { createMetricScorer } from './metric-scorer.ts';

async function arcEasy(): Promise<TaskDefinition> {
  const { catalog } = await loadCatalog({ includePaths: [], dataDir: resolveDataDir() });
  return catalog.resolve(['arc_easy']).tasks[0]!;
}

describe('createMetricScorer', () => {
  it('refuses unknown metric and aggregation names before any request, Object.prototype names included', async () => {
    const task = await arcEasy();
    for (const metrics of [[{ metric: 'constructor' }], [{ metric: 'acc', aggregation: 'toString' }]]) {
      expect(() => createMetricScorer({ ...task, metrics })).toThrow(UserError);
    }
    expect(() => createMetricScorer({ ...task, metrics: [{ metric: 'constructor' }] })).toThrow(
      /unknown metric "constructor"/,
    );
  });

  it('refuses an unknown metric or filter before any request, in one line naming it and the task', async () => {
    const task = await arcEasy();
    const generative = { ...task, outputType: 'generate_until' as const };
    const cases: [TaskDefinition, RegExp][] = [
      [
        { ...task, metrics: [{ metric: 'acc_mutual_infos' }] },
        /^metric_list: task arc_easy: unknown metric "acc_mutual_infos"/,
      ],
      [
        { ...generative, filters: [{ name: 'x', steps: [{ function: 'format_spans' }] }] },
        /^filter_list: task arc_easy: unknown filter "format_spans"/,
      ],
    ];
    for (const [broken, message] of cases) {
      const error = (() => {
        try {
          createMetricScorer(broken);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(UserError);
      const line = (error as UserError).format();
      expect(line).toMatch(message);
      expect(line).not.toContain('\n');
    }
    // lm-eval's metrics and filters that used to be missing here are known.
    const added = [
      'acc_mutual_info',
      'f1',
      'mcc',
      'bleu',
      'chrf',
      'rouge1',
      'rouge2',
      'rougeLsum',
      'brier_score',
      'acc_bytes',
      'likelihood',
      'acc_all',
      'ter',
    ];
    expect(() => createMetricScorer({ ...task, metrics: added.map((metric) => ({ metric })) })).not.toThrow();
    const filters = ['multi_choice_regex', 'map', 'regex_pos', 'format_span'].map((name) => ({
      name,
      steps: [{ function: name }],
    }));
    expect(() => createMetricScorer({ ...generative, filters, metrics: [] })).not.toThrow();
  });

  it('scores a real document: the gold choice with the highest log-likelihood is correct', async () => {
    const task = await arcEasy();
    const docs = await task.loadDocs({ fewshot: false });
    const doc = docs.eval[0]!;
    const choices = task.docToChoice!(doc);
    const gold = task.docToTarget(doc) as number;
    const logprobs = choices.map((_, i) => (i === gold ? -1 : -5));
    const instance = { task: task.name, docId: 0, doc, context: '', target: gold, choices, requests: [[]] };
    const [scored] = await createMetricScorer(task).scoreDoc(
      instance,
      { kind: 'choices', logprobs, isGreedy: choices.map(() => false), choices },
      {},
    );
    expect(scored).toMatchObject({ filter: 'none', values: { acc: 1, acc_norm: 1 } });
  });
});

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

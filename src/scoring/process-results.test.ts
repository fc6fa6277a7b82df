import { describe, expect, it } from 'vitest';
import type { DocInstance } from '../instances/types.ts';
import type { DocResponse } from '../responses/types.ts';
import { aggregateTask } from '../aggregate/index.ts';
import type { Doc } from '../documents/types.ts';
import type { TaskDefinition } from '../task/types.ts';
import { createMetricScorer } from './metric-scorer.ts';

const seen: unknown[][] = [];
const task = (outputType: TaskDefinition['outputType']): TaskDefinition => ({
  name: 'pr',
  version: 1,
  outputType,
  loadDocs: async () => ({ eval: [], evalSplit: 'test' }),
  docToText: () => '',
  docToTarget: () => 0,
  description: () => '',
  targetDelimiter: ' ',
  fewshotDelimiter: '\n\n',
  defaultNumFewshot: 0,
  fewshotSampler: 'default',
  fewshotDrawsExtra: false,
  filters: [],
  // Names the registry does not know: process_results scores them.
  metrics: [
    { metric: 'acc' },
    { metric: 'acc_a' },
    { metric: 'acc_b' },
    { metric: 'mcc', aggregation: 'matthews_corrcoef' },
    { metric: 'never' },
  ],
  processResults: (doc: Doc, results: readonly unknown[]) => {
    seen.push([...results]);
    const acc = Number(doc.gold);
    return { acc, [`acc_${doc.group}`]: acc, mcc: [Number(doc.gold), Number(doc.pred)] };
  },
  repeats: 1,
  config: {},
});

const instance = (doc: Doc): DocInstance => ({ task: 'pr', docId: 0, doc, context: '', target: 0, requests: [[]] });
const choices: DocResponse = { kind: 'choices', logprobs: [-1, -2], isGreedy: [true, false], choices: ['1', '2'] };

describe('process_results tasks', () => {
  it('score each doc with the task function, given lm-eval’s results shape', async () => {
    seen.length = 0;
    await createMetricScorer(task('multiple_choice')).scoreDoc(instance({ gold: 1, pred: 1, group: 'a' }), choices, {});
    const text: DocResponse = { kind: 'text', texts: ['answer'] };
    await createMetricScorer(task('generate_until')).scoreDoc(instance({ gold: 1, pred: 1, group: 'a' }), text, {});
    expect(seen).toEqual([
      [
        [-1, true],
        [-2, false],
      ],
      ['answer'],
    ]);
  });

  it('aggregate each metric over the docs that gave it; a metric no doc gave is not reported', async () => {
    const scorer = createMetricScorer(task('multiple_choice'));
    const docs = [
      { gold: 1, pred: 1, group: 'a' },
      { gold: 0, pred: 1, group: 'a' },
      { gold: 1, pred: 0, group: 'b' },
      { gold: 0, pred: 0, group: 'b' },
      { gold: 1, pred: 1, group: 'b' },
    ];
    const scored = await Promise.all(docs.map((doc) => scorer.scoreDoc(instance(doc), choices, {})));
    const summaries = aggregateTask(scorer.metrics, scored, { bootstrapIters: 0, seed: 0 });
    const value = Object.fromEntries(summaries.map((s) => [s.metric, [s.value, s.n]]));
    expect(value).toEqual({ acc: [0.6, 5], acc_a: [0.5, 2], acc_b: [2 / 3, 3], mcc: [1 / 6, 5] });
  });

  it('report a score that metric_list does not name, aggregated with mean (lm-eval’s fallback)', async () => {
    const mc = {
      ...task('multiple_choice'),
      metrics: [{ metric: 'acc' }],
      processResults: (doc: Doc) => ({ acc: Number(doc.gold), extra: Number(doc.pred) }),
    };
    const scorer = createMetricScorer(mc);
    const scored = await Promise.all(
      [
        { gold: 1, pred: 0 },
        { gold: 1, pred: 1 },
        { gold: 0, pred: 1 },
        { gold: 0, pred: 1 },
      ].map((doc) => scorer.scoreDoc(instance(doc), choices, {})),
    );
    const summaries = aggregateTask(scorer.metrics, scored, { bootstrapIters: 0, seed: 0 });
    expect(summaries.map((s) => [s.metric, s.value, s.higherIsBetter])).toEqual([
      ['acc', 0.5, true],
      ['extra', 0.75, true],
    ]);
  });

  it('take aggregation and higher_is_better from the registry for a listed name (perplexity: lower is better)', () => {
    const pr = { ...task('loglikelihood_rolling'), metrics: [{ metric: 'word_perplexity' }, { metric: 'custom' }] };
    expect(createMetricScorer(pr).metrics.map((m) => [m.spec.metric, m.aggregation, m.higherIsBetter])).toEqual([
      ['word_perplexity', 'weighted_perplexity', false],
      ['custom', 'mean', true],
    ]);
  });
});

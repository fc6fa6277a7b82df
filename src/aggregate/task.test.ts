import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../documents/data-dir.ts';
import { PythonRandom } from '../python/random.ts';
import { createMetricScorer } from '../scoring/metric-scorer.ts';
import type { ScoredDoc } from '../scoring/types.ts';
import { loadCatalog } from '../task/index.ts';
import { aggregateTask } from './task.ts';

const scoredDocs = (values: readonly number[], metric: string): ScoredDoc[][] =>
  values.map((v) => [{ filter: 'none', filtered: null, values: { [metric]: v } }]);

describe('aggregateTask: stderr and a 95 % bootstrap interval per metric', () => {
  it('a mean of 0/1 values: the interval brackets the mean, about ±1.96 stderr wide, and is seeded', async () => {
    const { catalog } = await loadCatalog({ includePaths: [], dataDir: resolveDataDir() });
    const scorer = createMetricScorer(catalog.resolve(['arc_easy']).tasks[0]!);
    const rng = new PythonRandom(7);
    const values = Array.from({ length: 400 }, () => (rng.random() < 0.3 ? 1 : 0));
    const [acc] = aggregateTask(scorer.metrics, scoredDocs(values, 'acc'), { bootstrapIters: 1000, seed: 0 });
    const [low, high] = acc!.ci!;
    expect(low).toBeLessThan(acc!.value);
    expect(high).toBeGreaterThan(acc!.value);
    // Normal approximation: the percentile interval's half-width is 1.96 stderr, to Monte-Carlo noise.
    expect((high - low) / 2 / (1.96 * acc!.stderr!)).toBeGreaterThan(0.85);
    expect((high - low) / 2 / (1.96 * acc!.stderr!)).toBeLessThan(1.15);
    const again = aggregateTask(scorer.metrics, scoredDocs(values, 'acc'), { bootstrapIters: 1000, seed: 0 });
    expect(again[0]!.ci).toEqual(acc!.ci);
  });

  it('a corpus statistic (perplexity): the interval comes from the same resamples as its bootstrap stderr', () => {
    const metrics = [
      {
        spec: { metric: 'perplexity' },
        metric: {
          name: 'perplexity',
          higherIsBetter: false,
          defaultAggregation: 'perplexity' as const,
          score: () => 0,
        },
        aggregation: 'perplexity',
        higherIsBetter: false,
      },
    ];
    const rng = new PythonRandom(3);
    const values = Array.from({ length: 60 }, () => -2 - rng.random());
    const [ppl] = aggregateTask(metrics, scoredDocs(values, 'perplexity'), { bootstrapIters: 200, seed: 0 });
    expect(ppl!.stderr).toBeGreaterThan(0);
    expect(ppl!.ci![0]).toBeLessThan(ppl!.value);
    expect(ppl!.ci![1]).toBeGreaterThan(ppl!.value);
  });

  it('no interval where no stderr is defined: one document, or resampling off', async () => {
    const { catalog } = await loadCatalog({ includePaths: [], dataDir: resolveDataDir() });
    const scorer = createMetricScorer(catalog.resolve(['arc_easy']).tasks[0]!);
    expect(aggregateTask(scorer.metrics, scoredDocs([1], 'acc'), { bootstrapIters: 1000, seed: 0 })[0]!.ci).toBeNull();
    expect(aggregateTask(scorer.metrics, scoredDocs([1, 0], 'acc'), { bootstrapIters: 0, seed: 0 })[0]!.ci).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { DummyBackend } from '../backends/dummy.ts';
import { type Backend, type CallOptions, reportResult } from '../backends/types.ts';
import type { LoglikelihoodRequest } from '../requests/types.ts';
import type { TaskScorer } from '../scoring/types.ts';
import { resolveDataDir } from '../documents/data-dir.ts';
import { loadCatalog } from '../task/index.ts';
import { evaluate } from './evaluate.ts';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

/** The dummy model, answering one request at a time as a slow backend would. */
function oneAtATime(inner: DummyBackend, answered: { count: number }): Backend {
  return Object.assign(Object.create(inner) as Backend, {
    async loglikelihood(reqs: readonly LoglikelihoodRequest[], o?: CallOptions) {
      const results = await inner.loglikelihood(reqs);
      for (const [i, result] of results.entries()) {
        await tick();
        answered.count++;
        reportResult(o, i, 1, result);
      }
      return results;
    },
  });
}

describe('evaluate: the scoring stage', () => {
  it('scores each document as soon as its results are in, while the backend still runs', async () => {
    const { catalog } = await loadCatalog({ includePaths: [], dataDir: resolveDataDir() });
    const { tasks } = catalog.resolve(['arc_easy']);
    const answered = { count: 0 };
    const seenAt: number[] = [];
    const outcomes = await evaluate({
      backend: oneAtATime(new DummyBackend({ seed: 3 }), answered),
      tasks,
      limit: 6,
      fewshotSeed: 1234,
      bootstrapIters: 0,
      onDocScored: () => seenAt.push(answered.count),
    });
    const requests = outcomes[0]!.instances.reduce((n, i) => n + i.requests[0]!.length, 0);
    expect(seenAt).toHaveLength(6);
    expect(seenAt[0]).toBeLessThan(requests); // the first doc was scored long before the last answer
    expect(outcomes[0]!.summaries.map((s) => s.metric)).toEqual(['acc', 'acc_norm']);
  });

  it('runs a task’s own async scorer, several documents at once, bounded by scoreConcurrency', async () => {
    const { catalog } = await loadCatalog({ includePaths: [], dataDir: resolveDataDir() });
    const { tasks } = catalog.resolve(['gsm8k']);
    let running = 0;
    let peak = 0;
    const judge: TaskScorer = {
      metrics: [
        {
          spec: { metric: 'judged' },
          metric: { name: 'judged', higherIsBetter: true, defaultAggregation: 'mean', score: () => 0 },
          aggregation: 'mean',
          higherIsBetter: true,
        },
      ],
      scoreDoc: async (instance) => {
        running++;
        peak = Math.max(peak, running);
        await tick();
        running--;
        return [{ filter: 'judge', filtered: null, values: { judged: instance.docId % 2 } }];
      },
    };
    const [outcome] = await evaluate({
      backend: new DummyBackend({ seed: 1 }),
      tasks,
      limit: 10,
      fewshotSeed: 1234,
      bootstrapIters: 0,
      maxGenToks: 4,
      scorerFor: () => judge,
      scoreConcurrency: 3,
    });
    expect(peak).toBe(3);
    expect(outcome!.scored.map((s) => s[0]!.values.judged)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    expect(outcome!.summaries).toMatchObject([{ metric: 'judged', filter: 'judge', value: 0.5, n: 10 }]);
  });
});

import { describe, expect, it } from 'vitest';
import { PythonRandom } from '../python/random.ts';
import type { Doc } from '../documents/types.ts';
import { buildFewshotContext, type FewshotRandom } from './fewshot.ts';
import type { TaskDefinition } from '../task/types.ts';

function task(overrides: Partial<TaskDefinition> = {}): TaskDefinition {
  return {
    name: 't',
    version: 1,
    outputType: 'generate_until',
    loadDocs: async () => ({ eval: [], evalSplit: 'test' }),
    docToText: (doc) => `Q: ${doc.q}`,
    docToTarget: (doc) => doc.a as string,
    description: () => '',
    targetDelimiter: ' ',
    fewshotDelimiter: '\n\n',
    defaultNumFewshot: 0,
    fewshotSampler: 'default',
    filters: [],
    metrics: [],
    repeats: 1,
    config: {},
    fewshotDrawsExtra: false,
    ...overrides,
  };
}

const pool: Doc[] = [0, 1, 2, 3, 4].map((i) => ({ q: `q${i}`, a: `a${i}` }));
/** Takes the first k, recording the requested size. */
const firstK = (log: number[]): FewshotRandom => ({
  sample: <T>(population: readonly T[], k: number) => {
    log.push(k);
    return population.slice(0, k);
  },
});

describe('buildFewshotContext', () => {
  it('writes description, examples and the doc like lm-eval', () => {
    const log: number[] = [];
    const t = task({ description: () => 'Desc.\n\n' });
    expect(buildFewshotContext(t, { q: 'x', a: 'y' }, 2, firstK(log), pool)).toBe(
      'Desc.\n\nQ: q0 a0\n\nQ: q1 a1\n\nQ: x',
    );
    expect(log).toEqual([2]);
    expect(buildFewshotContext(t, { q: 'x' }, 0, firstK(log), pool)).toBe('Desc.\n\nQ: x');
  });

  it('draws one extra and drops an example equal to the doc when few-shot split == test split', () => {
    const log: number[] = [];
    const t = task({ fewshotDrawsExtra: true });
    expect(buildFewshotContext(t, { a: 'a0', q: 'q0' }, 2, firstK(log), pool)).toBe('Q: q1 a1\n\nQ: q2 a2\n\nQ: q0');
    expect(log).toEqual([3]);
  });

  it('uses choice text for multiple choice, the first of a list target, and skips empty targets', () => {
    const mc = task({
      outputType: 'multiple_choice',
      docToChoice: () => ['no', 'yes'],
      docToTarget: () => 1,
      fewshotSampler: 'first_n',
    });
    expect(buildFewshotContext(mc, { q: 'x' }, 1, firstK([]), pool)).toBe('Q: q0 yes\n\nQ: x');
    const list = task({ docToTarget: () => ['first', 'second'] });
    expect(buildFewshotContext(list, { q: 'x' }, 1, firstK([]), pool)).toBe('Q: q0 first\n\nQ: x');
    const empty = task({ docToTarget: () => '', fewshotDocToText: (d) => `[${d.q}]` });
    expect(buildFewshotContext(empty, { q: 'x' }, 2, firstK([]), pool)).toBe('[q0][q1]Q: x');
  });

  it('reproduces the seeded default sampler: one generator per task, drawn in doc order', () => {
    const rnd = new PythonRandom(1234);
    const t = task({ docToText: (d) => String(d.q), targetDelimiter: '=', fewshotDelimiter: ';' });
    const contexts = [0, 1].map((i) => buildFewshotContext(t, { q: `doc${i}` }, 2, rnd, pool));
    // CPython: r = random.Random(1234); r.sample(range(5), 2) -> [3, 0]; again -> [0, 4].
    expect(contexts).toEqual(['q3=a3;q0=a0;doc0', 'q0=a0;q4=a4;doc1']);
  });
});

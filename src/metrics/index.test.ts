import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import type { DocResponse } from '../responses/types.ts';
import { PythonRandom } from '../python/random.ts';
import { aggregations, metricFor, metrics, type SampleValue, stderrFor, uncertaintyFor } from './index.ts';

const hasPython = spawnSync('python3', ['-c', 'import numpy']).status === 0;
if (!hasPython) console.warn('metric oracle tests skipped: python3 with numpy is not available (it is the oracle)');

const ORACLE = fileURLToPath(new URL('./lm-eval-oracle.py', import.meta.url));
const rng = new PythonRandom(7);

function choicesResponse(logprobs: number[], choices: string[], isGreedy?: boolean[]): DocResponse {
  return { kind: 'choices', logprobs, choices, isGreedy: isGreedy ?? logprobs.map(() => false) };
}

function score(metric: string, response: DocResponse, target: unknown, extra: object = {}): SampleValue {
  // The built-in metrics are synchronous (SyncMetric); the registry's type admits async plug-ins.
  return metricFor(metric)!.score({
    doc: {},
    target: target as string,
    response,
    kwargs: {},
    ...extra,
  }) as SampleValue;
}

// Random cases, including astral-plane characters: acc_norm divides by code points, not UTF-16 units.
const WORDS = ['cat', 'a much longer answer', 'no', '😀😀😀😀', 'naïve', 'x', 'forty-two', ''];
const multipleChoice = Array.from({ length: 300 }, () => {
  const n = rng.randint(2, 5);
  const choices = rng.sample(WORDS.slice(0, 7), n);
  const lls = Array.from({ length: n }, () => -rng.random() * 30);
  const kind = rng.randrange(4);
  const gold =
    kind === 0
      ? [rng.randrange(n), rng.randrange(n + 1)]
      : kind === 1
        ? choices[rng.randrange(n)]
        : rng.randrange(n + 1);
  return { lls, choices, gold, is_greedy: lls.map(() => rng.random() < 0.3) };
});

const EM_KWARGS = [
  {},
  { ignore_case: true },
  { ignore_punctuation: true },
  { ignore_numbers: true },
  { ignore_case: true, ignore_punctuation: true },
  // lm-eval's gsm8k: strip the answer line's prefix, "$", "," and a trailing ".".
  { regexes_to_ignore: [',', '\\$', '(?s).*#### ', '\\.$'], ignore_case: true },
  { regexes_to_ignore: ['\\s+', '\\b(a|an|the)\\b'], ignore_case: true, ignore_punctuation: true },
];
const PREDICTIONS = [
  '42',
  ' 42',
  'The Answer',
  'the answer.',
  '$1,000.',
  'So #### 1000',
  'an apple',
  'A-P-P-L-E 7',
  '',
];
const TARGETS: (string | string[])[] = ['42', 'the answer', '1000', 'apple', ['APPLE', 'pear'], 'A P P L E', ''];
const exactMatch = EM_KWARGS.flatMap((kwargs) =>
  PREDICTIONS.flatMap((prediction) => TARGETS.map((target) => ({ kwargs, prediction, target }))),
);

const TEXTS = ['Hello world', '  leading and trailing  ', 'tabs\tand\nnewlines\u3000ideographic', 'ünïcödé 😀', ''];
const rolling = TEXTS.map((text, i) => ({ text, ll: -(i + 1) * 7.25 }));

const plain = Array.from({ length: 57 }, () => -rng.random() * 5);
const binary = Array.from({ length: 200 }, () => (rng.random() < 0.4 ? 1 : 0));
const pairs: [number, number][] = Array.from({ length: 40 }, () => [-rng.random() * 200, rng.randint(1, 80)]);
const aggregationCases = [
  { name: 'mean', values: binary },
  { name: 'median', values: plain },
  { name: 'perplexity', values: plain },
  { name: 'weighted_perplexity', values: pairs },
  { name: 'bits_per_byte', values: pairs },
];
const bootstrapCases = [
  { name: 'perplexity', values: plain, iters: 1000 },
  { name: 'median', values: plain, iters: 2500 },
];

describe.skipIf(!hasPython)(
  'metrics agree with an independent Python reimplementation of lm-eval v0.4 semantics',
  () => {
    const oracle = JSON.parse(
      execFileSync('python3', [ORACLE], {
        input: JSON.stringify({
          multiple_choice: multipleChoice,
          exact_match: exactMatch,
          rolling,
          aggregations: aggregationCases,
          mean_stderr: [binary, plain],
          bootstrap: bootstrapCases,
        }),
        encoding: 'utf8',
      }),
    );

    it('acc, acc_norm and exact_match on multiple-choice responses', () => {
      // The cases are not vacuous: both outcomes occur, and acc_norm disagrees with acc somewhere.
      expect(new Set(oracle.multiple_choice.map((r: { acc: number }) => r.acc))).toEqual(new Set([0, 1]));
      expect(oracle.multiple_choice.some((r: { acc: number; acc_norm: number }) => r.acc !== r.acc_norm)).toBe(true);
      multipleChoice.forEach((c, i) => {
        const response = choicesResponse(c.lls, c.choices, c.is_greedy);
        const want = oracle.multiple_choice[i];
        for (const metric of ['acc', 'acc_norm', 'exact_match']) {
          expect(score(metric, response, c.gold), `${metric} ${JSON.stringify(c)}`).toBe(want[metric]);
        }
      });
    });

    it('exact_match kwargs and list targets on generations', () => {
      expect(oracle.exact_match.filter((x: number) => x === 1).length).toBeGreaterThan(20);
      exactMatch.forEach((c, i) => {
        const got = score('exact_match', { kind: 'text', texts: [c.prediction] }, c.target, {
          filtered: c.prediction,
          kwargs: c.kwargs,
        });
        expect(got, JSON.stringify(c)).toBe(oracle.exact_match[i]);
      });
    });

    it('rolling metrics count words as re.split(r"\\s+") and bytes as UTF-8', () => {
      rolling.forEach((c, i) => {
        const response: DocResponse = { kind: 'rolling', logprob: c.ll, text: c.text };
        for (const metric of ['word_perplexity', 'byte_perplexity', 'bits_per_byte']) {
          expect(score(metric, response, c.text)).toEqual(oracle.rolling[i][metric]);
        }
      });
    });

    it('aggregations', () => {
      aggregationCases.forEach((c, i) => {
        expect(aggregations[c.name]!(c.values), c.name).toBeCloseTo(oracle.aggregations[i], 12);
      });
    });

    it('mean stderr is the ddof=1 standard error', () => {
      expect(stderrFor('mean', binary)).toBeCloseTo(oracle.mean_stderr[0], 14);
      expect(stderrFor('mean', plain)).toBeCloseTo(oracle.mean_stderr[1], 14);
    });

    it('bootstrap stderr reproduces lm-eval draw for draw (seed 0)', () => {
      bootstrapCases.forEach((c, i) => {
        const got = stderrFor(c.name, c.values, { bootstrapIters: c.iters, seed: 0 }) as number;
        expect(Math.abs(got - oracle.bootstrap[i]) / oracle.bootstrap[i], c.name).toBeLessThan(1e-9);
      });
    });

    it('no stderr for weighted_perplexity and bits_per_byte, as lm-eval writes "N/A"; the interval is still resampled', () => {
      for (const name of ['weighted_perplexity', 'bits_per_byte']) {
        expect(stderrFor(name, pairs), name).toBeNull();
        const { stderr, ci } = uncertaintyFor(name, pairs, { bootstrapIters: 300 });
        expect(stderr, name).toBeNull();
        const value = aggregations[name]!(pairs);
        expect(ci![0], name).toBeLessThan(value);
        expect(ci![1], name).toBeGreaterThan(value);
      }
    });
  },
);

describe('hand-checked cases', () => {
  it('acc_norm picks the long, likelier-per-character answer that acc does not', () => {
    // acc: -4 beats -9. Per character: -4/2 = -2 vs -9/20 = -0.45, so acc_norm picks choice 1.
    const response = choicesResponse([-4, -9], ['no', 'yes, definitely it is']);
    expect(score('acc', response, 0)).toBe(1);
    expect(score('acc_norm', response, 0)).toBe(0);
    expect(score('acc_norm', response, 1)).toBe(1);
  });

  it('loglikelihood output: acc is is_greedy, perplexity passes the logprob through', () => {
    expect(score('acc', { kind: 'loglikelihood', logprob: -1.5, isGreedy: true }, 'x')).toBe(1);
    expect(score('acc', { kind: 'loglikelihood', logprob: -1.5, isGreedy: false }, 'x')).toBe(0);
    expect(score('perplexity', { kind: 'loglikelihood', logprob: -1.5, isGreedy: false }, 'x')).toBe(-1.5);
    expect(aggregations.perplexity!([-1, -3])).toBeCloseTo(Math.exp(2), 14);
  });

  it('weighted perplexities: exp(-Σll/Σw) and -Σll/Σw/ln 2', () => {
    const values: [number, number][] = [
      [-10, 4],
      [-30, 6],
    ];
    expect(aggregations.weighted_perplexity!(values)).toBeCloseTo(Math.exp(4), 12);
    expect(aggregations.bits_per_byte!(values)).toBeCloseTo(4 / Math.LN2, 12);
  });

  it("median is lm-eval's unsorted middle element", () => {
    expect(aggregations.median!([5, 1, 9, 3])).toBe(9);
  });

  it('stderr: n < 2, disabled bootstrap and unknown aggregations give null; bootstrap is seeded', () => {
    expect(stderrFor('mean', [1])).toBeNull();
    expect(stderrFor('perplexity', [-1, -2, -3], { bootstrapIters: 0, seed: 0 })).toBeNull();
    expect(stderrFor('nope', [1, 2, 3])).toBeNull();
    const a = stderrFor('perplexity', [-1, -2, -3, -4], { bootstrapIters: 200, seed: 5 });
    expect(a).toBe(stderrFor('perplexity', [-1, -2, -3, -4], { bootstrapIters: 200, seed: 5 }));
    expect(a).not.toBe(stderrFor('perplexity', [-1, -2, -3, -4], { bootstrapIters: 200, seed: 6 }));
  });

  it('metrics used on the wrong output type, and unknown names, are user errors', () => {
    expect(() => score('acc', { kind: 'text', texts: ['a'] }, 'a')).toThrow(UserError);
    expect(() => score('word_perplexity', { kind: 'loglikelihood', logprob: -1, isGreedy: true }, 'a')).toThrow(
      /loglikelihood_rolling/,
    );
    expect(metricFor('constructor')).toBeUndefined();
    expect(() =>
      score('exact_match', { kind: 'text', texts: ['a'] }, 'a', { filtered: 'a', kwargs: { ignorecase: true } }),
    ).toThrow(/unknown argument "ignorecase"/);
    // Other metric files add their own names; these must stay.
    expect(Object.keys(metrics)).toEqual(
      expect.arrayContaining([
        'acc',
        'acc_norm',
        'bits_per_byte',
        'byte_perplexity',
        'exact_match',
        'perplexity',
        'word_perplexity',
        'prompt_level_strict_acc',
        'inst_level_strict_acc',
        'prompt_level_loose_acc',
        'inst_level_loose_acc',
        'math_equiv',
        'pass_at_k',
        'pass_at_1',
        'pass_at_5',
        'pass_at_10',
      ]),
    );
  });
});

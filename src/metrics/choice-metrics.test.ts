import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import type { ChoicesResponse, DocResponse } from '../responses/types.ts';
import { aggregations, metricFor, type SampleValue, stderrFor } from './index.ts';

// Expected values are worked by hand from lm-eval v0.4.9.2's process_results and aggregations
// (sklearn's documented examples where noted).

function choices(logprobs: number[], names: string[], extra: Partial<ChoicesResponse> = {}): DocResponse {
  return { kind: 'choices', logprobs, choices: names, isGreedy: logprobs.map(() => false), ...extra };
}

function score(metric: string, response: DocResponse, target: unknown, doc: object = {}): SampleValue {
  return metricFor(metric)!.score({ doc: doc as never, target: target as number, response, kwargs: {} }) as SampleValue;
}

const aggregate = (name: string, values: SampleValue[]) => aggregations[name]!(values);

describe('acc_mutual_info', () => {
  it('picks argmax of log P(choice | ctx) − log P(choice), not of log P(choice | ctx)', () => {
    // Conditional: " Paris" wins (-1 > -2). Unconditional: " Paris" is common (-0.5), " Lyon" rare (-4):
    // PMI = [-0.5, 2], so " Lyon" wins.
    const response = choices([-1, -2], ['Paris', 'Lyon'], { unconditionalLogprobs: [-0.5, -4] });
    expect(score('acc_mutual_info', response, 1)).toBe(1);
    expect(score('acc_mutual_info', response, 0)).toBe(0);
    expect(score('acc', response, 0)).toBe(1);
    // lm-eval compares the prediction with `== gold`: a list of golds never matches.
    expect(score('acc_mutual_info', response, [1])).toBe(0);
  });

  it('needs the unconditional requests', () => {
    expect(() => score('acc_mutual_info', choices([-1, -2], ['a', 'b']), 0)).toThrow(/unconditional/);
  });
});

describe('acc_bytes', () => {
  it('divides by UTF-8 bytes, where acc_norm divides by characters', () => {
    // "é" is 1 character but 2 bytes: per char -3 vs -2.5 ("ab"), per byte -1.5 vs -2.5 → "é" wins.
    const response = choices([-3, -5], ['é', 'ab']);
    expect(score('acc_bytes', response, 0)).toBe(1);
    expect(score('acc_norm', response, 0)).toBe(0);
  });
});

describe('f1 and mcc: (gold, prediction) pairs and corpus aggregations', () => {
  it('passes (gold index, argmax) on; a gold outside the choices is -100', () => {
    expect(score('f1', choices([-2, -1], ['no', 'yes']), 1)).toEqual([1, 1]);
    expect(score('mcc', choices([-1, -2], ['no', 'yes']), 'yes')).toEqual([1, 0]);
    expect(score('f1', choices([-1, -2], ['no', 'yes']), 5)).toEqual([-100, 0]);
    expect(() => score('f1', choices([-1, -2], ['no', 'yes']), [0, 1])).toThrow(UserError);
  });

  it('f1 is sklearn binary f1_score: 2·TP / (2·TP + FP + FN)', () => {
    // golds 1 1 0 0 1, preds 1 0 1 0 1: TP 2, FP 1, FN 1 → 4/6.
    const pairs: SampleValue[] = [
      [1, 1],
      [1, 0],
      [0, 1],
      [0, 0],
      [1, 1],
    ];
    expect(aggregate('f1', pairs)).toBeCloseTo(2 / 3, 15);
    // No positive gold or prediction: sklearn's zero_division gives 0.
    expect(aggregate('f1', [[0, 0]])).toBe(0);
    // Three labels is multiclass: sklearn's binary average refuses it.
    expect(() =>
      aggregate('f1', [
        [0, 1],
        [2, 0],
      ]),
    ).toThrow(/3 labels/);
    expect(stderrFor('f1', pairs, { bootstrapIters: 100 })).toBeGreaterThan(0);
  });

  it('mcc aggregates with matthews_corrcoef (sklearn docs: [+1,+1,+1,-1] vs [+1,-1,+1,+1] → -1/3)', () => {
    const pairs: SampleValue[] = [
      [1, 1],
      [1, -1],
      [1, 1],
      [-1, 1],
    ];
    expect(metricFor('mcc')!.defaultAggregation).toBe('matthews_corrcoef');
    expect(aggregate('matthews_corrcoef', pairs)).toBeCloseTo(-1 / 3, 15);
  });
});

describe('brier_score', () => {
  it('passes (gold, softmax) on and averages Σ (p − onehot)²', () => {
    const value = score('brier_score', choices([Math.log(0.75), Math.log(0.25)], ['a', 'b']), 0);
    const [gold, probabilities] = value as readonly [number, readonly number[]];
    expect(gold).toBe(0);
    expect(probabilities[0]).toBeCloseTo(0.75, 15);
    expect(probabilities[1]).toBeCloseTo(0.25, 15);
    // (0.75 − 1)² + 0.25² = 0.125; [0.5, 0.5] against gold 1: 0.25 + 0.25 = 0.5; mean 0.3125.
    expect(
      aggregate('brier_score', [
        [0, [0.75, 0.25]],
        [1, [0.5, 0.5]],
      ]),
    ).toBeCloseTo(0.3125, 15);
    expect(metricFor('brier_score')!.higherIsBetter).toBe(false);
    expect(() =>
      aggregate('brier_score', [
        [0, [1, 0]],
        [0, [1, 0, 0]],
      ]),
    ).toThrow(/same number of choices/);
  });
});

describe('likelihood (lm-eval main)', () => {
  it('passes (gold, log-likelihoods) on; mean cannot average them, as in lm-eval', () => {
    const value = score('likelihood', choices([-1, -2.5], ['a', 'b']), 1);
    expect(value).toEqual([1, [-1, -2.5]]);
    expect(() => aggregate('mean', [value])).toThrow(TypeError);
  });
});

describe('acc_all', () => {
  const doc = (paragraph: number, question: number) => ({ idx: { paragraph, question, answer: 0 } });
  const right = choices([-1, -2], ['yes', 'no']);
  it('a question counts only if every answer to it is right, grouped by (paragraph, question)', () => {
    const values = [
      score('acc_all', right, 0, doc(0, 0)),
      score('acc_all', right, 0, doc(0, 0)),
      score('acc_all', right, 1, doc(0, 1)), // wrong: question (0, 1) fails
      score('acc_all', right, 0, doc(0, 1)),
      score('acc_all', right, 0, doc(1, 0)),
    ];
    expect(values[0]).toEqual([1, '0', '0']);
    // Questions (0,0) right, (0,1) wrong, (1,0) right → 2/3.
    expect(aggregate('acc_all', values)).toBeCloseTo(2 / 3, 15);
    // lm-eval's acc_all_stderr groups by question id alone: question 0 (all right) and 1 (wrong) →
    // mean_stderr([1, 0]) = sample std 0.7071… / √2 = 0.5.
    expect(stderrFor('acc_all', values)).toBeCloseTo(0.5, 15);
    expect(score('acc_all', { kind: 'loglikelihood', logprob: -1, isGreedy: true }, ' yes', doc(0, 0))).toEqual([
      1,
      '0',
      '0',
    ]);
  });

  it('needs MultiRC-style idx fields', () => {
    expect(() => score('acc_all', right, 0, {})).toThrow(/idx\.paragraph/);
  });
});

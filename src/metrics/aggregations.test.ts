import { describe, expect, it } from 'vitest';
import { aggregations } from './aggregations.ts';
import { stderrFor } from './stderr.ts';

const pairs = (golds: number[], preds: number[]) => golds.map((g, i) => [g, preds[i]!] as const);

describe('matthews_corrcoef', () => {
  const mcc = aggregations.matthews_corrcoef!;
  it('matches the confusion-matrix formula (sklearn)', () => {
    // By hand: TP 2, TN 1, FP 1, FN 1 → (2·1 − 1·1) / √(3·3·2·2) = 1/6.
    expect(mcc(pairs([1, 1, 0, 0, 1], [1, 0, 0, 1, 1]))).toBeCloseTo(1 / 6, 12);
    // TP 3, TN 2, FP 1, FN 1 → 5/12.
    expect(mcc(pairs([1, 0, 1, 1, 0, 0, 1], [1, 1, 1, 0, 0, 0, 1]))).toBeCloseTo(5 / 12, 12);
    expect(mcc(pairs([0, 1, 2, 2, 1, 0], [0, 2, 2, 1, 1, 0]))).toBeCloseTo(0.5, 12);
    expect(mcc(pairs([0, 1, 1, 0], [1, 0, 0, 1]))).toBe(-1);
  });

  it('is 0 when predictions (or golds) are constant, as sklearn returns', () => {
    expect(mcc(pairs([1, 1, 0], [1, 1, 1]))).toBe(0);
  });

  it('is bootstrapped for its stderr, as in lm-eval', () => {
    const values = pairs([1, 0, 1, 1, 0, 0, 1, 0], [1, 1, 1, 0, 0, 0, 1, 0]);
    expect(stderrFor('matthews_corrcoef', values, { bootstrapIters: 100 })).toBeGreaterThan(0);
  });
});

import type { Aggregation, AggregationName, SampleValue } from './types.ts';

/** Aggregations over per-sample values, with lm-eval's exact arithmetic (left-to-right sums). */

export function plainValues(values: readonly SampleValue[], aggregation: string): number[] {
  if (values.length === 0) throw new RangeError(`${aggregation}: no samples to aggregate`);
  return values.map((value) => {
    if (typeof value !== 'number')
      throw new TypeError(`${aggregation} needs plain numbers, got a (value, weight) pair`);
    return value;
  });
}

/** Σ value / Σ weight over (value, weight) pairs: lm-eval's weighted_mean. */
function weightedMean(values: readonly SampleValue[], aggregation: string): number {
  if (values.length === 0) throw new RangeError(`${aggregation}: no samples to aggregate`);
  let valueSum = 0;
  let weightSum = 0;
  for (const value of values) {
    if (typeof value === 'number') throw new TypeError(`${aggregation} needs (value, weight) pairs, got a number`);
    valueSum += value[0];
    weightSum += value[1];
  }
  return valueSum / weightSum;
}

export function mean(numbers: readonly number[]): number {
  let sum = 0;
  for (const x of numbers) sum += x;
  return sum / numbers.length;
}

/**
 * sklearn's matthews_corrcoef over (gold, prediction) pairs, as lm-eval's aggregation of the
 * same name calls it: any number of classes, and 0 where the formula divides by zero.
 */
function matthewsCorrcoef(values: readonly SampleValue[]): number {
  if (values.length === 0) throw new RangeError('matthews_corrcoef: no samples to aggregate');
  const goldCounts = new Map<number, number>();
  const predCounts = new Map<number, number>();
  let correct = 0;
  for (const value of values) {
    if (typeof value === 'number') throw new TypeError('matthews_corrcoef needs (gold, prediction) pairs');
    const [gold, pred] = value;
    goldCounts.set(gold, (goldCounts.get(gold) ?? 0) + 1);
    predCounts.set(pred, (predCounts.get(pred) ?? 0) + 1);
    if (gold === pred) correct++;
  }
  const n = values.length;
  let goldDotPred = 0;
  for (const [label, count] of goldCounts) goldDotPred += count * (predCounts.get(label) ?? 0);
  const sumSquares = (counts: Map<number, number>) => [...counts.values()].reduce((s, c) => s + c * c, 0);
  const covGoldPred = correct * n - goldDotPred;
  const covPredPred = n * n - sumSquares(predCounts);
  const covGoldGold = n * n - sumSquares(goldCounts);
  if (covPredPred * covGoldGold === 0) return 0;
  return covGoldPred / Math.sqrt(covGoldGold * covPredPred);
}

const byName = {
  mean: (values) => mean(plainValues(values, 'mean')),
  // lm-eval's median is `arr[len(arr) // 2]` without sorting: the middle sample in document
  // order. Kept as is so reported numbers match; it is only a true median for sorted input.
  median: (values) => {
    const numbers = plainValues(values, 'median');
    return numbers[Math.floor(numbers.length / 2)] as number;
  },
  perplexity: (values) => Math.exp(-mean(plainValues(values, 'perplexity'))),
  weighted_perplexity: (values) => Math.exp(-weightedMean(values, 'weighted_perplexity')),
  bits_per_byte: (values) => -weightedMean(values, 'bits_per_byte') / Math.LN2,
  matthews_corrcoef: matthewsCorrcoef,
  // IFEval's instruction-level accuracy: (followed, instructions) per prompt, so Σ followed / Σ
  // instructions is lm-eval's mean over the flattened per-prompt lists.
  agg_inst_level_acc: (values) => weightedMean(values, 'agg_inst_level_acc'),
} satisfies Record<AggregationName, Aggregation>;

/** Every aggregation by lm-eval name, for lookups by a name read from a task file. */
export const aggregations: Readonly<Record<string, Aggregation>> = byName;

import { UserError } from '../errors.ts';
import { gradeNormAggregation } from './mera/exam.ts';
import { corpusBleu, corpusChrf } from './sacrebleu.ts';
import { corpusTer } from './ter.ts';
import type { Aggregation, AggregationName, SampleValue } from './types.ts';

/** Aggregations over per-sample values, with lm-eval's exact arithmetic (left-to-right sums). */

export function plainValues(values: readonly SampleValue[], aggregation: string): number[] {
  if (values.length === 0) throw new RangeError(`${aggregation}: no samples to aggregate`);
  return values.map((value) => {
    if (typeof value !== 'number')
      throw new TypeError(`${aggregation} needs plain numbers, got ${JSON.stringify(value)}`);
    return value;
  });
}

/** Σ value / Σ weight over (value, weight) pairs: lm-eval's weighted_mean. */
function weightedMean(values: readonly SampleValue[], aggregation: string): number {
  let valueSum = 0;
  let weightSum = 0;
  for (const [value, weight] of numberPairs(values, aggregation, '(value, weight)')) {
    valueSum += value;
    weightSum += weight;
  }
  return valueSum / weightSum;
}

/** Pairs of numbers: (value, weight) for perplexities, (gold, prediction) for f1 and mcc. */
function numberPairs(values: readonly SampleValue[], aggregation: string, what: string): (readonly [number, number])[] {
  if (values.length === 0) throw new RangeError(`${aggregation}: no samples to aggregate`);
  return values.map((value) => {
    if (typeof value === 'number' || typeof value[0] !== 'number' || typeof value[1] !== 'number')
      throw new TypeError(`${aggregation} needs ${what} pairs, got ${JSON.stringify(value)}`);
    return [value[0], value[1]];
  });
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
  const goldCounts = new Map<number, number>();
  const predCounts = new Map<number, number>();
  let correct = 0;
  for (const [gold, pred] of numberPairs(values, 'matthews_corrcoef', '(gold, prediction)')) {
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

/**
 * sklearn's f1_score(golds, preds) with its defaults (average="binary", pos_label=1), as lm-eval's
 * f1 aggregation calls it: more than two labels, or two without 1, is an error there too; no
 * positive prediction or gold gives 0 (sklearn's zero_division).
 */
function f1Score(values: readonly SampleValue[]): number {
  const pairs = numberPairs(values, 'f1', '(gold, prediction)');
  const labels = new Set(pairs.flat());
  if (labels.size > 2)
    throw new UserError(`f1 is binary; this task has ${labels.size} labels (${[...labels].join(', ')})`, {
      field: 'metric_list',
    });
  if (labels.size === 2 && !labels.has(1))
    throw new UserError(`f1 counts label 1 as positive; this task's labels are ${[...labels].join(', ')}`, {
      field: 'metric_list',
    });
  let truePositives = 0;
  let predictedPositives = 0;
  let goldPositives = 0;
  for (const [gold, pred] of pairs) {
    if (pred === 1) predictedPositives++;
    if (gold === 1) goldPositives++;
    if (gold === 1 && pred === 1) truePositives++;
  }
  const denominator = predictedPositives + goldPositives;
  return denominator === 0 ? 0 : (2 * truePositives) / denominator;
}

/**
 * lm-eval's brier_score aggregation: mean over documents of Σ (p_i − onehot(gold)_i)², every
 * document with the same number of choices (numpy needs a rectangular array).
 */
function brierScore(values: readonly SampleValue[]): number {
  if (values.length === 0) throw new RangeError('brier_score: no samples to aggregate');
  let classes: number | undefined;
  const perDoc = values.map((value) => {
    if (typeof value === 'number' || typeof value[0] !== 'number' || !Array.isArray(value[1]))
      throw new TypeError('brier_score needs (gold, probabilities) pairs');
    const gold = value[0];
    const probabilities = value[1] as readonly number[];
    classes ??= probabilities.length;
    if (probabilities.length !== classes)
      throw new RangeError('brier_score: every document needs the same number of choices');
    // numpy's np.eye(n)[gold] counts a negative gold from the end, and fails past either end.
    const hot = gold < 0 ? gold + classes : gold;
    if (!Number.isInteger(hot) || hot < 0 || hot >= classes)
      throw new RangeError(`brier_score: gold ${gold} is not a choice`);
    let sum = 0;
    probabilities.forEach((p, i) => {
      sum += (p - (i === hot ? 1 : 0)) ** 2;
    });
    return sum;
  });
  return mean(perDoc);
}

/** acc_all's per-answer judgements grouped by question: (paragraph, question) for the score, question alone for lm-eval's stderr. */
export function questionsAllCorrect(values: readonly SampleValue[], byQuestionOnly = false): number[] {
  if (values.length === 0) throw new RangeError('acc_all: no samples to aggregate');
  const groups = new Map<string, boolean>();
  for (const value of values) {
    if (typeof value === 'number' || value.length !== 3)
      throw new TypeError('acc_all needs (correct, paragraph, question) items');
    const [correct, paragraph, question] = value;
    const key = byQuestionOnly ? question : JSON.stringify([paragraph, question]);
    groups.set(key, (groups.get(key) ?? true) && correct === 1);
  }
  return [...groups.values()].map((allCorrect) => (allCorrect ? 1 : 0));
}

/** (reference, prediction) string pairs for sacrebleu, one reference per prediction as lm-eval's _sacreformat makes them. */
function translationPairs(values: readonly SampleValue[], aggregation: string): { refs: string[][]; hyps: string[] } {
  if (values.length === 0) throw new RangeError(`${aggregation}: no samples to aggregate`);
  const refs: string[][] = [];
  const hyps: string[] = [];
  for (const value of values) {
    if (typeof value === 'number' || typeof value[0] !== 'string' || typeof value[1] !== 'string')
      throw new TypeError(`${aggregation} needs (reference, prediction) pairs`);
    refs.push([value[0]]);
    hyps.push(value[1]);
  }
  return { refs, hyps };
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
  f1: f1Score,
  bleu: (values) => {
    const { refs, hyps } = translationPairs(values, 'bleu');
    return corpusBleu(hyps, refs);
  },
  chrf: (values) => {
    const { refs, hyps } = translationPairs(values, 'chrf');
    return corpusChrf(hyps, refs);
  },
  ter: (values) => {
    const { refs, hyps } = translationPairs(values, 'ter');
    return corpusTer(hyps, refs);
  },
  brier_score: brierScore,
  acc_all: (values) => mean(questionsAllCorrect(values)),
  grade_norm: gradeNormAggregation,
} satisfies Record<AggregationName, Aggregation>;

/** Every aggregation by lm-eval name, for lookups by a name read from a task file. */
export const aggregations: Readonly<Record<string, Aggregation>> = byName;

import { PythonRandom } from '../python/random.ts';
import { aggregations, mean, plainValues, questionsAllCorrect } from './aggregations.ts';
import type { SampleValue } from './types.ts';

/** lm-eval's sample_stddev (ddof = 1). */
export function sampleStddev(numbers: readonly number[]): number {
  const mu = mean(numbers);
  let squares = 0;
  for (const x of numbers) squares += (x - mu) ** 2;
  return Math.sqrt(squares / (numbers.length - 1));
}

/** lm-eval's mean_stderr: sample std / sqrt(n). */
export function meanStderr(numbers: readonly number[]): number {
  return sampleStddev(numbers) / Math.sqrt(numbers.length);
}

/**
 * lm-eval's bootstrap_stderr, draw for draw: chunks of min(1000, iters) resamples, chunk i
 * drawn with random.Random(seed + i).choices(xs, k=len(xs)); lm-eval's seed is 0. The
 * result is the sample std of the resampled statistics.
 */
export function bootstrapStderr(
  statistic: (values: readonly SampleValue[]) => number,
  values: readonly SampleValue[],
  iters: number,
  seed = 0,
): number {
  const chunkSize = Math.min(1000, iters);
  const estimates: number[] = [];
  for (let chunk = 0; chunk < Math.floor(iters / chunkSize); chunk++) {
    const rng = new PythonRandom(seed + chunk);
    for (let i = 0; i < chunkSize; i++) estimates.push(statistic(rng.choices(values, values.length)));
  }
  return sampleStddev(estimates);
}

/**
 * lm-eval bootstraps median, perplexity, matthews_corrcoef, f1, bleu, chrf and ter. It reports no
 * stderr for weighted_perplexity and bits_per_byte; we bootstrap those too, the same way, since a
 * corpus-level number still has sampling error.
 */
const BOOTSTRAPPED = new Set([
  'median',
  'perplexity',
  'weighted_perplexity',
  'bits_per_byte',
  'matthews_corrcoef',
  'f1',
  'bleu',
  'chrf',
  'ter',
]);

/** Corpus scores too slow to resample 1000 times: lm-eval caps their resamples at 100. */
const SLOW_TO_BOOTSTRAP = new Set(['bleu', 'chrf', 'ter']);

export interface StderrOptions {
  /** Resamples for bootstrapped aggregations; 0 or less turns stderr off, as in lm-eval. */
  readonly bootstrapIters?: number;
  /** Seed of the first chunk; 0 reproduces lm-eval. */
  readonly seed?: number;
}

/** Standard error of an aggregation over these samples, or null where none is defined (n < 2). */
export function stderrFor(
  aggregation: string,
  values: readonly SampleValue[],
  opts: StderrOptions = {},
): number | null {
  const { bootstrapIters = 1000, seed = 0 } = opts;
  if (values.length < 2 || bootstrapIters <= 0) return null;
  if (aggregation === 'mean') return meanStderr(plainValues(values, 'mean'));
  // lm-eval's acc_all_stderr groups by question id alone (not paragraph and question, as the score does).
  if (aggregation === 'acc_all') {
    const questions = questionsAllCorrect(values, true);
    return questions.length < 2 ? null : meanStderr(questions);
  }
  const statistic = BOOTSTRAPPED.has(aggregation) ? aggregations[aggregation] : undefined;
  const iters = SLOW_TO_BOOTSTRAP.has(aggregation) ? Math.min(bootstrapIters, 100) : bootstrapIters;
  return statistic ? bootstrapStderr(statistic, values, iters, seed) : null;
}

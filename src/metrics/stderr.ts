import { PythonRandom } from '../python/random.ts';
import { bootstrapMeanCI, quantileSorted } from '../stats/stats.ts';
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
  return sampleStddev(bootstrapEstimates(statistic, values, iters, seed));
}

/** The resampled statistics of lm-eval's bootstrap_stderr, in draw order. */
function bootstrapEstimates(
  statistic: (values: readonly SampleValue[]) => number,
  values: readonly SampleValue[],
  iters: number,
  seed: number,
): number[] {
  const chunkSize = Math.min(1000, iters);
  const estimates: number[] = [];
  for (let chunk = 0; chunk < Math.floor(iters / chunkSize); chunk++) {
    const rng = new PythonRandom(seed + chunk);
    for (let i = 0; i < chunkSize; i++) estimates.push(statistic(rng.choices(values, values.length)));
  }
  return estimates;
}

/**
 * lm-eval bootstraps median, perplexity, matthews_corrcoef, f1, bleu, chrf and ter. It reports no
 * stderr for weighted_perplexity and bits_per_byte ("N/A"), and neither do we, so the stderr
 * columns match; their 95 % interval is still resampled the same way (a corpus-level number has
 * sampling error too) and goes in evalboard.ci.
 */
const NO_LM_EVAL_STDERR = new Set(['weighted_perplexity', 'bits_per_byte']);

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
  // MERA's USE score: a corpus statistic (per exam variant), resampled like the others.
  'grade_norm',
]);

/** Corpus scores too slow to resample 1000 times: lm-eval caps their resamples at 100. */
const SLOW_TO_BOOTSTRAP = new Set(['bleu', 'chrf', 'ter']);

export interface StderrOptions {
  /** Resamples for bootstrapped aggregations; 0 or less turns stderr off, as in lm-eval. */
  readonly bootstrapIters?: number;
  /** Seed of the first chunk; 0 reproduces lm-eval. */
  readonly seed?: number;
}

/**
 * How an aggregation's sampling error is measured: from per-item numbers whose mean it is (mean,
 * and acc_all's per-question scores), or by resampling the corpus statistic; null where none is
 * defined (n < 2, resampling off, or an aggregation lm-eval gives no stderr).
 */
type ErrorPlan =
  | { readonly numbers: readonly number[] }
  | { readonly statistic: (values: readonly SampleValue[]) => number; readonly iters: number }
  | null;

function errorPlan(aggregation: string, values: readonly SampleValue[], bootstrapIters: number): ErrorPlan {
  if (values.length < 2 || bootstrapIters <= 0) return null;
  if (aggregation === 'mean') return { numbers: plainValues(values, 'mean') };
  // lm-eval's acc_all_stderr groups by question id alone (not paragraph and question, as the score does).
  if (aggregation === 'acc_all') {
    const questions = questionsAllCorrect(values, true);
    return questions.length < 2 ? null : { numbers: questions };
  }
  const statistic = BOOTSTRAPPED.has(aggregation) ? aggregations[aggregation] : undefined;
  if (!statistic) return null;
  return { statistic, iters: SLOW_TO_BOOTSTRAP.has(aggregation) ? Math.min(bootstrapIters, 100) : bootstrapIters };
}

/** Standard error of an aggregation over these samples, or null where none is defined (n < 2). */
export function stderrFor(
  aggregation: string,
  values: readonly SampleValue[],
  opts: StderrOptions = {},
): number | null {
  const { bootstrapIters = 1000, seed = 0 } = opts;
  const plan = errorPlan(aggregation, values, bootstrapIters);
  if (!plan || NO_LM_EVAL_STDERR.has(aggregation)) return null;
  return 'numbers' in plan ? meanStderr(plan.numbers) : bootstrapStderr(plan.statistic, values, plan.iters, seed);
}

/** A metric's sampling uncertainty: lm-eval's stderr and a 95 % percentile bootstrap interval. */
export interface Uncertainty {
  readonly stderr: number | null;
  /** [low, high]; null where no stderr is defined either (n < 2, resampling off). */
  readonly ci: readonly [number, number] | null;
}

/** The level of the reported intervals. */
export const CI_LEVEL = 0.95;

/**
 * stderrFor, plus a percentile bootstrap CI (CI_LEVEL) from `bootstrapIters` resamples. A mean's
 * interval is resampled on typed arrays with a seeded generator (milliseconds for 10,000 items);
 * a corpus statistic's reuses the very resamples its bootstrap stderr is computed from.
 */
export function uncertaintyFor(
  aggregation: string,
  values: readonly SampleValue[],
  opts: StderrOptions = {},
): Uncertainty {
  const { bootstrapIters = 1000, seed = 0 } = opts;
  const plan = errorPlan(aggregation, values, bootstrapIters);
  if (!plan) return { stderr: null, ci: null };
  if ('numbers' in plan) {
    const { low, high } = bootstrapMeanCI(plan.numbers, { iterations: bootstrapIters, seed, level: CI_LEVEL });
    return { stderr: meanStderr(plan.numbers), ci: [low, high] };
  }
  const estimates = bootstrapEstimates(plan.statistic, values, plan.iters, seed);
  const sorted = Float64Array.from(estimates).sort();
  const tail = (1 - CI_LEVEL) / 2;
  return {
    stderr: NO_LM_EVAL_STDERR.has(aggregation) ? null : sampleStddev(estimates),
    ci: [quantileSorted(sorted, tail), quantileSorted(sorted, 1 - tail)],
  };
}

import { aggregations } from './aggregations.ts';
import { acc_all, acc_bytes, acc_mutual_info, brier_score, f1, likelihood, mcc } from './choice-metrics.ts';
import { exact_match } from './exact-match.ts';
import { type IfevalMetricName, ifevalMetrics } from './ifeval/index.ts';
import { acc_letter_prob } from './letter-prob.ts';
import { math_equiv } from './math/index.ts';
import { meraCodeMetrics } from './mera/code.ts';
import { grade_norm } from './mera/exam.ts';
import { acc, acc_norm } from './multiple-choice.ts';
import { pass_at_1, pass_at_5, pass_at_10, pass_at_k } from './pass-at-k.ts';
import { bits_per_byte, byte_perplexity, perplexity, word_perplexity } from './perplexity.ts';
import { bleu, chrf, rouge1, rouge2, rougeLsum, ter } from './text-overlap.ts';
import type { Aggregation, Metric, MetricName, SyncMetric } from './types.ts';

export type { Metric, SampleValue, SyncMetric } from './types.ts';
export { aggregations } from './aggregations.ts';
export { stderrFor, uncertaintyFor } from './stderr.ts';

const builtin = {
  acc,
  acc_norm,
  exact_match,
  perplexity,
  word_perplexity,
  byte_perplexity,
  bits_per_byte,
  acc_mutual_info,
  f1,
  mcc,
  bleu,
  chrf,
  rouge1,
  rouge2,
  rougeLsum,
  brier_score,
  acc_bytes,
  likelihood,
  acc_all,
  ter,
  grade_norm,
} satisfies Record<Exclude<MetricName, PluginMetricName>, SyncMetric>;

/**
 * Metrics that score asynchronously (they load a detector, run code in the sandbox, ask a CAS) or explain their
 * values (ExplainedValue, written to the samples row).
 */
type PluginMetricName =
  | IfevalMetricName
  | 'acc_letter_prob'
  | 'math_equiv'
  | 'pass_at_k'
  | 'pass_at_1'
  | 'pass_at_5'
  | 'pass_at_10'
  | 'pass@1'
  | 'pass@5'
  | 'pass@10';

const plugins = {
  ...ifevalMetrics,
  acc_letter_prob,
  math_equiv,
  pass_at_k,
  pass_at_1,
  pass_at_5,
  pass_at_10,
  ...meraCodeMetrics,
} satisfies Record<PluginMetricName, Metric>;

/** Every metric, by its lm-eval name, for lookups by a name read from a task file. */
export const metrics: Readonly<Record<string, Metric>> = { ...builtin, ...plugins };

/** The metric of that name; undefined for names it lacks, including Object.prototype's ("constructor"). */
export function metricFor(name: string): Metric | undefined {
  return Object.hasOwn(metrics, name) ? metrics[name] : undefined;
}

/** The aggregation of that name; undefined for names it lacks. */
export function aggregationFor(name: string): Aggregation | undefined {
  return Object.hasOwn(aggregations, name) ? aggregations[name] : undefined;
}

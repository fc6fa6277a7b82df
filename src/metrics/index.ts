import { aggregations } from './aggregations.ts';
import { exact_match } from './exact-match.ts';
import { math_equiv } from './math/index.ts';
import { acc, acc_norm } from './multiple-choice.ts';
import { bits_per_byte, byte_perplexity, perplexity, word_perplexity } from './perplexity.ts';
import type { Aggregation, ExplainedMetricName, Metric, MetricName, SyncMetric } from './types.ts';

export type { Metric, SampleValue, SyncMetric } from './types.ts';
export { aggregations } from './aggregations.ts';
export { stderrFor } from './stderr.ts';

const builtin = {
  acc,
  acc_norm,
  exact_match,
  perplexity,
  word_perplexity,
  byte_perplexity,
  bits_per_byte,
} satisfies Record<MetricName, SyncMetric>;

/** Metrics whose values come with details for the samples row (or later, as a Promise). */
const explained = {
  math_equiv,
} satisfies Record<ExplainedMetricName, Metric>;

/** Every metric, by its lm-eval name, for lookups by a name read from a task file. */
export const metrics: Readonly<Record<string, Metric>> = { ...builtin, ...explained };

/** The metric of that name; undefined for names it lacks, including Object.prototype's ("constructor"). */
export function metricFor(name: string): Metric | undefined {
  return Object.hasOwn(metrics, name) ? metrics[name] : undefined;
}

/** The aggregation of that name; undefined for names it lacks. */
export function aggregationFor(name: string): Aggregation | undefined {
  return Object.hasOwn(aggregations, name) ? aggregations[name] : undefined;
}

import { aggregations } from './aggregations.ts';
import { exact_match } from './exact-match.ts';
import { acc, acc_norm } from './multiple-choice.ts';
import { pass_at_1, pass_at_5, pass_at_10, pass_at_k } from './pass-at-k.ts';
import { bits_per_byte, byte_perplexity, perplexity, word_perplexity } from './perplexity.ts';
import type { Aggregation, Metric, MetricName, MetricResult, SyncMetric } from './types.ts';

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
} satisfies Record<Exclude<MetricName, keyof typeof builtinAsync>, SyncMetric>;

/** Metrics that run code or ask a judge: scored on the scoring queue, their values cacheable. */
const builtinAsync = {
  pass_at_k,
  pass_at_1,
  pass_at_5,
  pass_at_10,
} satisfies Partial<Record<MetricName, Metric<Promise<MetricResult>>>>;

/** Every metric, by its lm-eval name, for lookups by a name read from a task file. */
export const metrics: Readonly<Record<string, Metric>> = { ...builtin, ...builtinAsync };

/** The metric of that name; undefined for names it lacks, including Object.prototype's ("constructor"). */
export function metricFor(name: string): Metric | undefined {
  return Object.hasOwn(metrics, name) ? metrics[name] : undefined;
}

/** The aggregation of that name; undefined for names it lacks. */
export function aggregationFor(name: string): Aggregation | undefined {
  return Object.hasOwn(aggregations, name) ? aggregations[name] : undefined;
}

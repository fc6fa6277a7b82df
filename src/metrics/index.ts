import { UserError } from '../errors.ts';
import { aggregations } from './aggregations.ts';
import { exact_match } from './exact-match.ts';
import { acc, acc_norm } from './multiple-choice.ts';
import { bits_per_byte, byte_perplexity, perplexity, word_perplexity } from './perplexity.ts';
import type { Aggregation, Metric, MetricName, SyncMetric } from './types.ts';

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

/** Every metric, by its lm-eval name, for lookups by a name read from a task file. */
export const metrics: Readonly<Record<string, Metric>> = builtin;

export function metricNamed(name: string): Metric {
  const metric = Object.hasOwn(metrics, name) ? metrics[name] : undefined;
  if (!metric) {
    throw new UserError(`unknown metric "${name}" (known: ${Object.keys(metrics).join(', ')})`, {
      field: 'metric_list',
    });
  }
  return metric;
}

export function aggregationNamed(name: string): Aggregation {
  const aggregation = Object.hasOwn(aggregations, name) ? aggregations[name] : undefined;
  if (!aggregation) {
    throw new UserError(`unknown aggregation "${name}" (known: ${Object.keys(aggregations).join(', ')})`, {
      field: 'metric_list',
    });
  }
  return aggregation;
}

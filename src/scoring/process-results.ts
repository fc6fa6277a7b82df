import type { DocInstance } from '../instances/types.ts';
import { metrics } from '../metrics/index.ts';
import type { Metric, SampleValue } from '../metrics/types.ts';
import type { MetricSpec, TaskDefinition } from '../task/types.ts';
import type { ResolvedMetric } from './types.ts';

// Tasks with lm-eval's process_results: the task's function scores each doc, and metric_list
// only names those scores and how to aggregate them.

/**
 * A metric_list entry scored by process_results: no metric function runs, and its aggregation
 * and higher_is_better default to the registry's for that name (perplexity: lower is better),
 * else mean and higher, as lm-eval's get_metric_aggregation / is_higher_better give.
 */
export function processedMetric(spec: Pick<MetricSpec, 'metric'>): Metric {
  const known = Object.hasOwn(metrics, spec.metric) ? metrics[spec.metric] : undefined;
  return {
    name: spec.metric,
    higherIsBetter: known?.higherIsBetter ?? true,
    defaultAggregation: known?.defaultAggregation ?? 'mean',
    score: () => {
      throw new Error(`${spec.metric} is scored by process_results`);
    },
  };
}

/**
 * A score process_results gave that metric_list does not name: lm-eval still reports it,
 * aggregated with mean (TaskOutput.calculate_aggregate_metric's fallback).
 */
export function unlistedMetric(name: string): ResolvedMetric {
  const metric = processedMetric({ metric: name });
  return { spec: { metric: name }, metric, aggregation: 'mean', higherIsBetter: metric.higherIsBetter };
}

/** One doc's scores from process_results, every key kept. */
export function processedValues(
  task: TaskDefinition,
  instance: DocInstance,
  results: readonly unknown[],
): Record<string, SampleValue> {
  return { ...task.processResults!(instance.doc, results) };
}

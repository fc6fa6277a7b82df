import { UserError } from '../errors.ts';
import type { DocInstance } from '../instances/types.ts';
import type { Metric, SampleValue } from '../metrics/types.ts';
import type { MetricSpec, TaskDefinition } from '../task/types.ts';
// import cycle: type only, erased at run time; score.ts resolves the metrics it hands to this file.
import type { ResolvedMetric } from './score.ts';

// Tasks with lm-eval's process_results: the task's function scores each doc, and metric_list
// only names those scores and how to aggregate them.

/** A metric_list entry scored by process_results: no registry metric, lm-eval's defaults. */
export function processedMetric(spec: MetricSpec): Metric {
  return {
    name: spec.metric,
    higherIsBetter: true,
    defaultAggregation: 'mean',
    score: () => {
      throw new Error(`${spec.metric} is scored by process_results`);
    },
  };
}

/** One doc's scores from process_results; a name metric_list lacks is an error, as in lm-eval. */
export function processedValues(
  task: TaskDefinition,
  resolved: readonly ResolvedMetric[],
  instance: DocInstance,
  results: readonly unknown[],
): Record<string, SampleValue> {
  const values = task.processResults!(instance.doc, results);
  const unknown = Object.keys(values).find((name) => !resolved.some((m) => m.spec.metric === name));
  if (unknown !== undefined) {
    throw new UserError(`task ${task.name}: process_results gave "${unknown}", which metric_list does not name`, {
      field: 'metric_list',
    });
  }
  return { ...values };
}

import { UserError } from '../errors.ts';
import { applyFilterPipeline, buildFilterPipeline } from '../filters/index.ts';
import type { DocInstance } from '../instances/types.ts';
import { aggregations, metrics, stderrFor } from '../metrics/index.ts';
import type { Metric, SampleValue } from '../metrics/types.ts';
import type { DocResponse } from '../responses/types.ts';
import type { FilterPipelineSpec, MetricSpec, TaskDefinition } from '../task/types.ts';
import { processedMetric, processedValues } from './process-results.ts';

/** lm-eval's implicit pipeline: generations keep their first response; the rest pass through. */
const DEFAULT_FILTERS: readonly FilterPipelineSpec[] = [{ name: 'none', steps: [{ function: 'take_first' }] }];

export interface ResolvedMetric {
  readonly spec: MetricSpec;
  readonly metric: Metric;
  readonly aggregation: string;
  readonly higherIsBetter: boolean;
}

/** Looks every metric and aggregation up before any request is sent, so a typo fails fast. */
export function resolveMetrics(task: TaskDefinition): ResolvedMetric[] {
  return task.metrics.map((spec) => {
    const metric = task.processResults ? processedMetric(spec) : metrics[spec.metric];
    const where = spec.location ?? { field: 'metric_list' };
    if (!metric)
      throw new UserError(
        `task ${task.name}: unknown metric "${spec.metric}"`,
        where,
        `known: ${Object.keys(metrics).join(', ')}`,
      );
    const aggregation = spec.aggregation ?? metric.defaultAggregation;
    if (!aggregations[aggregation])
      throw new UserError(
        `task ${task.name}: unknown aggregation "${aggregation}"`,
        where,
        `known: ${Object.keys(aggregations).join(', ')}`,
      );
    return { spec, metric, aggregation, higherIsBetter: spec.higherIsBetter ?? metric.higherIsBetter };
  });
}

/** Builds every filter step once before any request is sent, so a bad name or regex fails fast. */
export function checkFilters(task: TaskDefinition): void {
  for (const pipeline of filterPipelines(task)) {
    for (const step of pipeline.steps) {
      try {
        buildFilterPipeline([step]);
      } catch (e) {
        if (!(e instanceof UserError) || !step.location) throw e;
        // The filter's own field (regex_pattern...) stays in the message; step.location says where.
        const field = e.location.field && e.location.field !== 'filter_list' ? `${e.location.field}: ` : '';
        throw new UserError(`task ${task.name}: ${field}${e.message}`, step.location, e.hint);
      }
    }
  }
}

export function filterPipelines(task: TaskDefinition): readonly FilterPipelineSpec[] {
  if (task.outputType !== 'generate_until') return [{ name: 'none', steps: [] }];
  return task.filters.length > 0 ? task.filters : DEFAULT_FILTERS;
}

/** One doc scored under one filter pipeline: a samples-file row minus the raw responses. */
export interface ScoredDoc {
  readonly filter: string;
  /** The filtered response (generations) or the response itself (log-likelihoods). */
  readonly filtered: unknown;
  readonly values: Readonly<Record<string, SampleValue>>;
}

export function scoreDoc(
  task: TaskDefinition,
  resolved: readonly ResolvedMetric[],
  instance: DocInstance,
  response: DocResponse,
): ScoredDoc[] {
  return filterPipelines(task).map((pipeline) => {
    let filteredText: string | undefined;
    let filtered: unknown;
    if (response.kind === 'text') {
      const out = applyFilterPipeline(pipeline.steps, response.texts, instance.doc);
      filteredText = out[0] ?? '';
      filtered = out.length === 1 ? filteredText : out;
    } else if (response.kind === 'choices') {
      filtered = response.logprobs.map((lp, i) => [lp, response.isGreedy[i]]);
    } else {
      filtered = response.kind === 'loglikelihood' ? [response.logprob, response.isGreedy] : response.logprob;
    }
    if (task.processResults && resolved.length > 0) {
      // lm-eval hands process_results one result per request: the choices' [logprob, isGreedy]
      // pairs, or the single filtered generation / log-likelihood.
      const results = response.kind === 'choices' ? (filtered as unknown[]) : [filtered];
      return { filter: pipeline.name, filtered, values: processedValues(task, resolved, instance, results) };
    }
    const values: Record<string, SampleValue> = {};
    for (const m of resolved) {
      values[m.spec.metric] = m.metric.score({
        doc: instance.doc,
        target: instance.target,
        response,
        ...(filteredText !== undefined ? { filtered: filteredText } : {}),
        kwargs: m.spec.kwargs ?? {},
      });
    }
    return { filter: pipeline.name, filtered, values };
  });
}

export interface MetricSummary {
  readonly metric: string;
  readonly filter: string;
  readonly value: number;
  readonly stderr: number | null;
  readonly higherIsBetter: boolean;
  readonly n: number;
}

/** Per (metric, filter): the aggregate over docs and its standard error. */
export function aggregateTask(
  resolved: readonly ResolvedMetric[],
  scored: readonly (readonly ScoredDoc[])[],
  o: { bootstrapIters: number; seed: number },
): MetricSummary[] {
  const out: MetricSummary[] = [];
  const filterNames = scored[0]?.map((s) => s.filter) ?? [];
  filterNames.forEach((filter, f) => {
    for (const m of resolved) {
      // process_results may leave a metric out of some docs (acc_<category>): aggregate the rest.
      const values = scored.map((doc) => doc[f]!.values[m.spec.metric]).filter((v) => v !== undefined);
      if (values.length === 0 && scored.length > 0) continue;
      const aggregate = aggregations[m.aggregation]!;
      out.push({
        metric: m.spec.metric,
        filter,
        value: values.length ? aggregate(values) : Number.NaN,
        stderr: stderrFor(m.aggregation, values, o),
        higherIsBetter: m.higherIsBetter,
        n: values.length,
      });
    }
  });
  return out;
}

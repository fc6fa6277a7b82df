import { UserError } from '../errors.ts';
import { applyFilterSteps, buildFilterPipeline, defaultFilterPipeline, filteredTexts } from '../filters/index.ts';
import type { DocInstance } from '../instances/types.ts';
import { aggregationFor, aggregations, metricFor, metrics } from '../metrics/index.ts';
import type { ExplainedValue, Metric, MetricResult, SampleValue, ScoreInput } from '../metrics/types.ts';
import type { DocResponse } from '../responses/types.ts';
import type { FilterPipelineSpec, TaskDefinition } from '../task/types.ts';
import { scoreKey } from './cache.ts';
import { processedMetric, processedValues } from './process-results.ts';
import type { ResolvedMetric, ScoreContext, ScoredDoc, TaskScorer } from './types.ts';

/**
 * The default scorer: the task's filter pipelines, then its metric_list from the metric registry
 * (or its process_results hook). Metrics and filters are looked up here, before any request is
 * sent, so a typo fails fast. `predictOnly` keeps the filters and computes no metric.
 */
export function createMetricScorer(task: TaskDefinition, o: { readonly predictOnly?: boolean } = {}): TaskScorer {
  checkFilters(task);
  const resolved = o.predictOnly ? [] : resolveMetrics(task);
  return {
    metrics: resolved,
    scoreDoc: (instance, response, context) => scoreDoc(task, resolved, instance, response, context),
  };
}

/** Looks every metric and aggregation up; unknown names are bad input, located in the task file. */
export function resolveMetrics(task: TaskDefinition): ResolvedMetric[] {
  return task.metrics.map((spec) => {
    const metric = task.processResults || spec.hook ? processedMetric(spec) : metricFor(spec.metric);
    const where = spec.location ?? { field: 'metric_list' };
    if (!metric)
      throw new UserError(
        `task ${task.name}: unknown metric "${spec.metric}"`,
        where,
        `known: ${Object.keys(metrics).join(', ')}`,
      );
    const aggregation = spec.aggregation ?? metric.defaultAggregation;
    if (spec.aggregate)
      return {
        spec,
        metric,
        aggregation,
        higherIsBetter: spec.higherIsBetter ?? metric.higherIsBetter,
        aggregate: spec.aggregate,
      };
    if (!aggregationFor(aggregation))
      throw new UserError(
        `task ${task.name}: unknown aggregation "${aggregation}"`,
        where,
        `known: ${Object.keys(aggregations).join(', ')}`,
      );
    return { spec, metric, aggregation, higherIsBetter: spec.higherIsBetter ?? metric.higherIsBetter };
  });
}

/** Builds every filter step once, so a bad name or regex fails before any request. */
export function checkFilters(task: TaskDefinition): void {
  for (const pipeline of filterPipelines(task)) {
    for (const step of pipeline.steps) {
      try {
        buildFilterPipeline([step]);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        // The filter's own field (regex_pattern...) stays in the message; step.location says where.
        // Without one (a task built in code) the filter's location stands, and the task is still named.
        const field =
          step.location && e.location.field && e.location.field !== 'filter_list' ? `${e.location.field}: ` : '';
        throw new UserError(`task ${task.name}: ${field}${e.message}`, step.location ?? e.location, e.hint);
      }
    }
  }
}

export function filterPipelines(task: TaskDefinition): readonly FilterPipelineSpec[] {
  if (task.outputType !== 'generate_until') return [{ name: 'none', steps: [] }];
  return task.filters.length > 0 ? task.filters : [defaultFilterPipeline];
}

async function scoreDoc(
  task: TaskDefinition,
  resolved: readonly ResolvedMetric[],
  instance: DocInstance,
  response: DocResponse,
  context: ScoreContext,
): Promise<ScoredDoc[]> {
  const out: ScoredDoc[] = [];
  for (const pipeline of filterPipelines(task)) {
    let filteredText: string | undefined;
    let filteredAll: readonly string[] | undefined;
    let filtered: unknown;
    if (response.kind === 'text') {
      const values = applyFilterSteps(pipeline.steps, response.texts, instance.doc);
      const texts = filteredTexts(values);
      filteredAll = texts;
      filteredText = texts[0] ?? '';
      filtered = values.length === 1 ? values[0] : values;
    } else if (response.kind === 'choices') {
      filtered = response.logprobs.map((lp, i) => [lp, response.isGreedy[i]]);
    } else {
      filtered = response.kind === 'loglikelihood' ? [response.logprob, response.isGreedy] : response.logprob;
    }
    if (task.processResults && resolved.length > 0) {
      // lm-eval hands process_results one result per request: the choices' [logprob, isGreedy]
      // pairs, or the single filtered generation / log-likelihood.
      const results = response.kind === 'choices' ? (filtered as unknown[]) : [filtered];
      out.push({ filter: pipeline.name, filtered, values: processedValues(task, instance, results) });
      continue;
    }
    const values: Record<string, SampleValue> = {};
    const details: Record<string, Readonly<Record<string, unknown>>> = {};
    for (const m of resolved) {
      if (m.spec.hook) {
        // lm-eval calls a task's own metric function for generations only; other output types
        // compute the registry's metrics by name, which a hook's name is not.
        if (task.outputType === 'generate_until') {
          const gold = goldOf(task, instance);
          Object.assign(values, pythonBoolsAsNumbers(m.spec.hook(gold, filtered, Array.isArray(gold))));
        }
        continue;
      }
      const result = await metricValue(
        m.metric,
        {
          doc: instance.doc,
          target: goldOf(task, instance),
          response,
          ...(filteredText !== undefined ? { filtered: filteredText } : {}),
          ...(filteredAll !== undefined ? { filteredAll } : {}),
          kwargs: m.spec.kwargs ?? {},
        },
        context,
      );
      if (isExplained(result)) {
        values[m.spec.metric] = result.value;
        details[m.spec.metric] = result.details;
      } else values[m.spec.metric] = result;
    }
    const explained = Object.keys(details).length > 0;
    out.push({ filter: pipeline.name, filtered, values, ...(explained ? { details } : {}) });
  }
  return out;
}

/**
 * What a metric compares against. lm-eval: a generate_until task with doc_to_choice gives
 * doc_to_target as an index, and the gold is that choice's text; a multiple-input task's gold is
 * the choice doc_to_text points at.
 */
function goldOf(task: TaskDefinition, instance: DocInstance): DocInstance['target'] {
  const { choices, target } = instance;
  if (instance.gold !== undefined) return instance.gold;
  if (task.outputType !== 'generate_until' || !choices || typeof target !== 'number') return target;
  return choices[target] ?? target;
}

/** A hook's scores as values: Python's bools count as 0/1; other items pass to the aggregation as they are. */
function pythonBoolsAsNumbers(out: Readonly<Record<string, unknown>>): Record<string, SampleValue> {
  return Object.fromEntries(
    Object.entries(out).map(([k, v]) => [k, (typeof v === 'boolean' ? Number(v) : v) as SampleValue]),
  );
}

function isExplained(result: MetricResult): result is ExplainedValue {
  return typeof result === 'object' && !Array.isArray(result) && 'details' in result;
}

/** A cacheable metric's value is looked up by its input first (sandbox runs, judge calls). */
async function metricValue(metric: Metric, input: ScoreInput, context: ScoreContext): Promise<MetricResult> {
  if (!metric.cacheable || !context.cache) return metric.score(input, context);
  const key = scoreKey(metric.name, input);
  const cached = context.cache.get(key);
  if (cached !== undefined) return cached;
  const value = await metric.score(input, context);
  context.cache.set(key, value);
  return value;
}

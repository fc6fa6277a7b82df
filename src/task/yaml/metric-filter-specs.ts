/**
 * metric_list and filter_list as specs for the scoring stage, with lm-eval's callable forms bound
 * here, at load time: `metric: !function`, `aggregation: !function`, the `custom` filter's
 * `filter_fn: !function` and `function: !function utils.SomeFilter`. A Python hook runs in the
 * run's hook process; a TypeScript port beside utils.py wins, as for every other hook.
 */
import type { Doc } from '../../documents/types.ts';
import { type ErrorLocation, UserError } from '../../errors.ts';
import { pythonStr } from '../../python/repr.ts';
import type { FilterPipelineSpec, FilterStep, MetricSpec, OutputType } from '../types.ts';
import { callPython, lastPart, type ResolvedHook, resolveHook as resolveAnyHook } from './functions.ts';
import type { TaskConfig } from './schema.ts';
import { FunctionRef } from './yaml-file.ts';

/** The hook, or one line naming it and the task when utils.py lacks it or cannot be imported. */
async function resolveHook(task: string, ref: FunctionRef, location: ErrorLocation): Promise<ResolvedHook> {
  try {
    return await resolveAnyHook(ref, location);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`task ${task}: ${e.message}`, e.location, e.hint);
    throw e;
  }
}

type At = (...p: (string | number)[]) => ErrorLocation;

/** lm-eval's DEFAULT_METRIC_REGISTRY: metrics used when metric_list is absent. */
const DEFAULT_METRICS: Record<OutputType, readonly string[]> = {
  loglikelihood: ['perplexity', 'acc'],
  loglikelihood_rolling: ['word_perplexity', 'byte_perplexity', 'bits_per_byte'],
  multiple_choice: ['acc', 'acc_norm'],
  generate_until: ['exact_match'],
};

export async function filterPipelines(config: TaskConfig, at: At): Promise<FilterPipelineSpec[]> {
  // Without filter_list lm-eval runs one "none" pipeline that takes the first response.
  if (!config.filter_list) return [{ name: 'none', steps: [{ function: 'take_first' }] }];
  const pipelines: FilterPipelineSpec[] = [];
  for (const [i, pipeline] of config.filter_list.entries()) {
    const steps: FilterStep[] = [];
    for (const [j, { function: fn, ...args }] of pipeline.filter.entries()) {
      const location = at('filter_list', i, 'filter', j);
      if (fn instanceof FunctionRef) steps.push(await filterClassStep(config.task, fn, args, location));
      else if (fn === 'custom') steps.push(await customFilterStep(config.task, args, location));
      else steps.push({ function: fn, ...(Object.keys(args).length > 0 && { args }), location });
    }
    pipelines.push({ name: pipeline.name, steps });
  }
  return pipelines;
}

/**
 * lm-eval's CustomFilter: `filter_fn(resps, docs)` over the responses of every doc, giving each
 * doc's filtered responses. Scoring streams one doc at a time, so each call carries one doc.
 */
async function customFilterStep(
  task: string,
  args: Readonly<Record<string, unknown>>,
  location: ErrorLocation,
): Promise<FilterStep> {
  const { filter_fn: ref, ...rest } = args;
  if (!(ref instanceof FunctionRef))
    throw new UserError(`task ${task}: filter custom needs filter_fn: !function module.function`, location);
  if (Object.keys(rest).length > 0)
    throw new UserError(
      `task ${task}: filter custom takes only filter_fn, got ${Object.keys(rest).join(', ')}`,
      location,
    );
  const hook = await resolveHook(task, ref, location);
  let apply: (resps: unknown[][], docs: Doc[]) => unknown;
  if (hook.kind === 'python') {
    apply = (resps, docs) => callPython(ref, location, () => hook.hooks.call(hook.path, hook.name, [[resps, docs]])[0]);
  } else if (typeof hook.value === 'function') {
    apply = hook.value as typeof apply;
  } else
    throw new UserError(`!function ${ref.ref}: ${hook.module} has no exported function "${lastPart(ref)}"`, location);
  return {
    function: 'custom',
    args: { filter_fn: ref.toString() },
    location,
    apply: (responses, doc) => oneDoc(task, ref, location, apply([[...responses]], [doc])),
  };
}

/**
 * `function: !function utils.SomeFilter`: lm-eval builds it as SomeFilter(**kwargs) and calls its
 * apply(resps, docs). Built once per task, as lm-eval's pipeline holds one per step.
 */
async function filterClassStep(
  task: string,
  ref: FunctionRef,
  args: Readonly<Record<string, unknown>>,
  location: ErrorLocation,
): Promise<FilterStep> {
  const hook = await resolveHook(task, ref, location);
  let apply: (resps: unknown[][], docs: Doc[]) => unknown;
  if (hook.kind === 'python') {
    const object = callPython(ref, location, () => hook.hooks.construct(hook.path, hook.name, args));
    apply = (resps, docs) => callPython(ref, location, () => hook.hooks.method(object, 'apply', [[resps, docs]])[0]);
  } else if (typeof hook.value === 'function') {
    const Filter = hook.value as new (
      kwargs: Readonly<Record<string, unknown>>,
    ) => { apply(resps: unknown[][], docs: Doc[]): unknown };
    const filter = new Filter(args);
    apply = (resps, docs) => filter.apply(resps, docs);
  } else throw new UserError(`!function ${ref.ref}: ${hook.module} has no exported class "${lastPart(ref)}"`, location);
  return {
    function: ref.toString(),
    ...(Object.keys(args).length > 0 && { args }),
    location,
    apply: (responses, doc) => oneDoc(task, ref, location, apply([[...responses]], [doc])),
  };
}

/** A filter's answer for a one-doc batch: a list of one doc's responses. */
function oneDoc(task: string, ref: FunctionRef, location: ErrorLocation, out: unknown): unknown[] {
  if (!Array.isArray(out) || out.length !== 1)
    throw new UserError(
      `task ${task}: filter ${ref.ref} gave ${pythonStr(out).slice(0, 200)} for one doc; expected a list with one entry per doc`,
      location,
    );
  const responses = out[0];
  // A step that reduces a doc to one value (take_first style) leaves a bare value: keep it as one response.
  return Array.isArray(responses) ? responses : [responses];
}

export async function metricSpecs(config: TaskConfig, outputType: OutputType, at: At): Promise<MetricSpec[]> {
  if (!config.metric_list) return DEFAULT_METRICS[outputType].map((metric) => ({ metric }));
  const specs: MetricSpec[] = [];
  for (const [i, entry] of config.metric_list.entries()) {
    const { metric, aggregation, higher_is_better, hf_evaluate: _hf, ...kwargs } = entry;
    const location = at('metric_list', i);
    const hook = metric instanceof FunctionRef ? await metricHook(config.task, metric, kwargs, location) : undefined;
    const aggregate =
      aggregation instanceof FunctionRef ? await aggregationHook(config.task, aggregation, location) : undefined;
    specs.push({
      metric: metric instanceof FunctionRef ? lastPart(metric) : metric,
      ...(aggregation != null && { aggregation: String(aggregation) }),
      ...(higher_is_better != null && { higherIsBetter: higher_is_better }),
      ...(Object.keys(kwargs).length > 0 && { kwargs }),
      location,
      ...(hook && { hook }),
      ...(aggregate && { aggregate }),
    });
  }
  return specs;
}

async function metricHook(
  task: string,
  ref: FunctionRef,
  kwargs: Readonly<Record<string, unknown>>,
  location: ErrorLocation,
): Promise<NonNullable<MetricSpec['hook']>> {
  const hook = await resolveHook(task, ref, location);
  const name = lastPart(ref);
  if (hook.kind === 'python')
    return (gold, result, multipleTarget) =>
      callPython(ref, location, () => hook.hooks.metric(hook.path, name, [[gold, result, multipleTarget]], kwargs)[0]!);
  if (typeof hook.value !== 'function')
    throw new UserError(`!function ${ref.ref}: ${hook.module} has no exported function "${name}"`, location);
  // A port takes lm-eval's keyword form: ({references, predictions, ...kwargs}), per gold when there are several.
  const fn = hook.value as (a: Record<string, unknown>) => unknown;
  const once = (reference: unknown, result: unknown) => {
    const score = fn({ references: [reference], predictions: [result], ...kwargs });
    return score && typeof score === 'object' && !Array.isArray(score)
      ? (score as Record<string, unknown>)
      : { [name]: score };
  };
  return (gold, result, multipleTarget) => {
    if (!multipleTarget) return once(gold, result);
    const golds = Array.isArray(gold) ? gold : [gold];
    return { [name]: golds.some((g) => Boolean(once(g, result)[name])) ? 1 : 0 };
  };
}

async function aggregationHook(
  task: string,
  ref: FunctionRef,
  location: ErrorLocation,
): Promise<NonNullable<MetricSpec['aggregate']>> {
  const hook = await resolveHook(task, ref, location);
  let fn: (items: readonly unknown[]) => unknown;
  if (hook.kind === 'python')
    fn = (items) => callPython(ref, location, () => hook.hooks.call(hook.path, hook.name, [[items]])[0]);
  else if (typeof hook.value === 'function') fn = hook.value as typeof fn;
  else
    throw new UserError(`!function ${ref.ref}: ${hook.module} has no exported function "${lastPart(ref)}"`, location);
  return (items) => {
    const value = fn(items);
    const number = typeof value === 'boolean' ? Number(value) : value;
    if (typeof number !== 'number')
      throw new UserError(
        `task ${task}: aggregation ${ref.ref} gave ${pythonStr(value).slice(0, 200)}; expected a number`,
        location,
      );
    return number;
  };
}

import { dirname } from 'node:path';
import { pythonStr } from '../../python/repr.ts';
import type { Doc } from '../../documents/types.ts';
import { type ErrorLocation, UserError } from '../../errors.ts';
import { editDistance } from '../catalog.ts';
import type { GenerationKwargs, OutputType, ProcessedValue, TaskDefinition, TaskPrompt } from '../types.ts';
import { asChoiceList, compileAt, type DocFunction, docFunction } from './doc-functions.ts';
import { importFunction } from './functions.ts';
import { filterPipelines, metricSpecs } from './metric-filter-specs.ts';
import { MissingTemplateVariable, TemplateRuntimeError } from './jinja.ts';
import { UNSUPPORTED_TASK_KEYS, type TaskConfig, taskConfigSchema } from './schema.ts';
import { createDocsLoader, type DocLabels } from './task-docs.ts';
import type { TaskLoadOptions, TaskWarning, YamlTaskDefinition } from './types.ts';
import { FunctionRef, locateInConfig, type ResolvedConfig } from './yaml-file.ts';

const DEFAULT_MAX_GEN_TOKS = 256; // lm-eval's HF model default when generation_kwargs omit it
const KNOWN_KEYS = new Set(Object.keys(taskConfigSchema.shape));

/** Validates a merged task config and resolves every field into TaskDefinition functions. */
export async function buildTask(
  resolved: ResolvedConfig,
  options: TaskLoadOptions,
  warn: (w: TaskWarning) => void,
): Promise<YamlTaskDefinition> {
  const at = (...path: (string | number)[]) => locateInConfig(resolved, path);
  for (const key of Object.keys(resolved.config)) {
    const reason = UNSUPPORTED_TASK_KEYS[key];
    if (reason) warn({ message: `${key} is ignored: ${reason}`, location: at(key) });
    else if (!KNOWN_KEYS.has(key)) {
      // A misspelt key would silently run the task with a default (num_fewshots: 5 → 0-shot).
      const meant = [...KNOWN_KEYS].find((known) => editDistance(key, known) <= 2);
      if (meant) throw new UserError(`unknown key "${key}"`, at(key), `did you mean ${meant}?`);
      warn({ message: `unknown key "${key}" is ignored`, location: at(key) });
    }
  }
  const parsed = taskConfigSchema.safeParse(resolved.config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    throw new UserError(issue.message, at(...path));
  }
  const config = parsed.data;
  const name = config.task;
  const outputType: OutputType = config.output_type ?? 'generate_until';
  const hasChoices = config.doc_to_choice != null;
  if (outputType === 'multiple_choice' && !hasChoices) {
    throw new UserError('multiple_choice tasks need doc_to_choice', at('output_type'));
  }
  const labels: DocLabels = new WeakMap();
  const processResults = await processResultsFunction(config, labels, at);
  const guard = <T>(field: string, fn: DocFunction, check: (v: unknown) => T): ((doc: Doc) => T) => {
    const where = at(field);
    return (doc) => {
      try {
        return check(fn(doc));
      } catch (e) {
        const which = `task ${name}, ${labels.get(doc) ?? 'doc'}`;
        if (e instanceof MissingTemplateVariable) {
          throw new UserError(
            `${which}: ${field} uses ${e.variable}, which the doc does not have`,
            where,
            `doc fields: ${Object.keys(doc).join(', ')}`,
          );
        }
        if (e instanceof TemplateRuntimeError) throw new UserError(`${which}: ${field} failed: ${e.message}`, where);
        // Shape errors (doc_to_choice not a list...) are per doc too: say which.
        if (e instanceof UserError && !e.message.startsWith('task ')) {
          throw new UserError(`${which}: ${e.message}`, e.location, e.hint);
        }
        throw e;
      }
    };
  };
  const textOf = (v: unknown): string | number => {
    if (typeof v === 'number' && hasChoices) return v;
    if (typeof v === 'number') return String(v);
    return pythonStr(v);
  };
  const targetOf = (v: unknown): string | number | readonly string[] =>
    typeof v === 'number' || typeof v === 'string' ? v : Array.isArray(v) ? v.map(pythonStr) : pythonStr(v);

  const text = guard(
    'doc_to_text',
    await docFunction(config.doc_to_text ?? '', 'text', hasChoices, at('doc_to_text')),
    (v) => textOf(v),
  );
  const target = guard(
    'doc_to_target',
    await docFunction(config.doc_to_target ?? '', 'target', hasChoices, at('doc_to_target')),
    targetOf,
  );
  const choice = hasChoices
    ? guard('doc_to_choice', await docFunction(config.doc_to_choice, 'choice', true, at('doc_to_choice')), (v) =>
        asChoiceList(v, at('doc_to_choice')),
      )
    : undefined;
  const docToText = (doc: Doc): string => {
    const value = text(doc);
    if (typeof value === 'string') return value;
    // An index into the choices: lm-eval prints choices[i] (a "multiple input" task, see docToInputIndex).
    return choice ? (choice(doc)[value] ?? '') : String(value);
  };
  const prompts = await promptList(config, async (template, field) => {
    const render = guard(
      field,
      await docFunction(template, 'text', false, at(...field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)))),
      textOf,
    );
    return (doc: Doc) => String(render(doc));
  });
  const docToInputIndex = (doc: Doc): number | undefined => {
    const value = text(doc);
    return typeof value === 'number' ? value : undefined;
  };

  const fewshotConfig = config.fewshot_config ?? undefined;
  const fewshotOverride = async (key: 'doc_to_text' | 'doc_to_target' | 'doc_to_choice') => {
    const spec = fewshotConfig?.[key];
    if (spec === undefined || spec === null) return undefined;
    const role = key === 'doc_to_text' ? 'text' : key === 'doc_to_target' ? 'target' : 'choice';
    return guard(
      `fewshot_config.${key}`,
      await docFunction(spec, role, hasChoices, at('fewshot_config', key)),
      (v) => v,
    );
  };
  const [fsText, fsTarget, fsChoice] = await Promise.all([
    fewshotOverride('doc_to_text'),
    fewshotOverride('doc_to_target'),
    fewshotOverride('doc_to_choice'),
  ]);

  const description = config.description ? compileAt(config.description, at('description')) : undefined;
  const genPrefix =
    config.gen_prefix != null ? await docFunction(config.gen_prefix, 'plain', false, at('gen_prefix')) : undefined;
  const decontaminate =
    config.should_decontaminate && config.doc_to_decontamination_query != null
      ? await docFunction(config.doc_to_decontamination_query, 'plain', false, at('doc_to_decontamination_query'))
      : undefined;
  const fewshotDelimiter = config.fewshot_delimiter ?? '\n\n';
  const metadata = config.metadata ?? {};
  const version = Number(metadata.version ?? 0);

  const loadDocs = await createDocsLoader(config, resolved, options, labels, {
    dir: dirname(resolved.file.path),
    at,
  });

  return {
    name,
    version: Number.isFinite(version) ? version : 0,
    outputType,
    loadDocs,
    docToText,
    ...(choice ? { docToInputIndex } : {}),
    // lm-eval turns a multiple-choice target string into its index in the choices when scoring;
    // TaskDefinition promises an index, so we do it here (a string not among the choices stays).
    // An index past the choices is refused: lm-eval scores it 0 with a warning per doc, and
    // crashes (IndexError) when that doc is a few-shot example.
    docToTarget:
      outputType === 'multiple_choice' && choice
        ? (doc) => {
            const value = target(doc);
            const choices = choice(doc);
            if (typeof value === 'number' && (!Number.isInteger(value) || value < 0 || value >= choices.length)) {
              throw new UserError(
                `task ${name}, ${labels.get(doc) ?? 'doc'}: doc_to_target gives ${value}, but doc_to_choice has ${choices.length} choices (0 to ${choices.length - 1})`,
                at('doc_to_target'),
              );
            }
            const index = typeof value === 'string' ? choices.indexOf(value) : -1;
            return index >= 0 ? index : value;
          }
        : target,
    docToChoice: choice,
    description: description
      ? guard(
          'description',
          (doc) => description.render(doc),
          (v) => String(v),
        )
      : () => '',
    targetDelimiter: config.target_delimiter ?? ' ',
    fewshotDelimiter,
    defaultNumFewshot: config.num_fewshot ?? 0,
    zeroShotOnly: config.num_fewshot === 0,
    fewshotSampler: fewshotConfig?.sampler ?? 'default',
    generation: outputType === 'generate_until' ? generationKwargs(config, fewshotDelimiter) : undefined,
    filters: await filterPipelines(config, at),
    metrics: await metricSpecs(config, outputType, at),
    processResults,
    repeats: config.repeats ?? 1,
    ...(prompts ? { prompts } : {}),
    ...(config.unsafe_code ? { unsafeCode: true } : {}),
    config: dumpConfig(config, outputType, fewshotDelimiter),
    file: resolved.file.path,
    alias: config.task_alias ?? undefined,
    tags: typeof config.tag === 'string' ? [config.tag] : (config.tag ?? []),
    fewshotDocToText: fsText && ((doc) => textOf(fsText(doc))),
    fewshotDocToTarget: fsTarget && ((doc) => targetOf(fsTarget(doc))),
    fewshotDocToChoice: fsChoice && ((doc) => asChoiceList(fsChoice(doc), at('fewshot_config', 'doc_to_choice'))),
    genPrefix: genPrefix && ((doc) => pythonStr(genPrefix(doc))),
    fewshotDrawsExtra: (config.fewshot_split ?? undefined) === (config.test_split ?? undefined),
    docToDecontaminationQuery: decontaminate && ((doc) => pythonStr(decontaminate(doc))),
  };
}

/** Python's bool is an int: a process_results hook returning {"acc": True} means 1. */
function pythonBoolsAsNumbers(out: unknown): unknown {
  if (!out || typeof out !== 'object' || Array.isArray(out)) return out;
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, typeof v === 'boolean' ? Number(v) : v]));
}

/**
 * `process_results: !function utils.fn` → fn(doc, results), checked per doc: an object whose
 * values are numbers or number pairs, as lm-eval's aggregations expect.
 */
async function processResultsFunction(
  config: TaskConfig,
  labels: DocLabels,
  at: (...p: (string | number)[]) => ErrorLocation,
): Promise<TaskDefinition['processResults']> {
  if (config.process_results == null) return undefined;
  const where = at('process_results');
  if (!(config.process_results instanceof FunctionRef)) {
    throw new UserError('process_results must be a !function reference', where);
  }
  if (!config.metric_list) throw new UserError('process_results needs a metric_list naming its metrics', where);
  const fn = await importFunction(config.process_results, where);
  const isValue = (v: unknown) =>
    typeof v === 'number' || (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number'));
  return (doc, results) => {
    const out = pythonBoolsAsNumbers(fn(doc, results));
    const bad =
      out && typeof out === 'object' && !Array.isArray(out)
        ? Object.entries(out).find(([, v]) => !isValue(v))
        : ['', out];
    if (bad) {
      const what = bad[0] ? `"${bad[0]}" is ${pythonStr(bad[1])}` : `gave ${pythonStr(out)}`;
      throw new UserError(
        `task ${config.task}, ${labels.get(doc) ?? 'doc'}: process_results ${what}; expected {metric: number or [number, number]}`,
        where,
      );
    }
    return out as Record<string, ProcessedValue>;
  };
}

/** lm-eval's TaskConfig.__post_init__ defaults: greedy, stop at the few-shot delimiter. */
function generationKwargs(config: TaskConfig, fewshotDelimiter: string): GenerationKwargs {
  const g = config.generation_kwargs ?? {};
  const until = g.until == null ? [fewshotDelimiter] : typeof g.until === 'string' ? [g.until] : g.until;
  return {
    until,
    maxGenToks: g.max_gen_toks ?? DEFAULT_MAX_GEN_TOKS,
    temperature: g.temperature ?? 0,
    doSample: g.do_sample ?? false,
    ...(g.top_p != null ? { topP: g.top_p } : {}),
  };
}

/** The resolved config as plain JSON, like lm-eval's TaskConfig.to_dict (no nulls, functions named). */
/** A `prompts:` list, each entry's doc_to_text compiled; duplicate ids are refused. */
async function promptList(
  config: TaskConfig,
  compile: (template: unknown, field: string) => Promise<(doc: Doc) => string>,
): Promise<TaskPrompt[] | undefined> {
  if (!config.prompts) return undefined;
  const seen = new Set<string>();
  const prompts: TaskPrompt[] = [];
  for (const [i, entry] of config.prompts.entries()) {
    const id = String(entry.id);
    if (seen.has(id)) throw new UserError(`prompt id ${id} is used twice`, { field: `prompts.${i}.id` });
    seen.add(id);
    prompts.push({ id, docToText: await compile(entry.doc_to_text, `prompts.${i}.doc_to_text`) });
  }
  return prompts;
}

function dumpConfig(config: TaskConfig, outputType: OutputType, fewshotDelimiter: string): Record<string, unknown> {
  const hooks: Record<string, unknown> = {};
  const hook = (ref: FunctionRef): string => {
    hooks[ref.ref] = ref.toJSON();
    return ref.toString();
  };
  const plain = (v: unknown): unknown =>
    v instanceof FunctionRef
      ? hook(v)
      : Array.isArray(v)
        ? v.map(plain)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .filter(([, x]) => x != null)
                .map(([k, x]) => [k, plain(x)]),
            )
          : v;
  const withDefaults: Record<string, unknown> = {
    ...config,
    description: config.description ?? '',
    target_delimiter: config.target_delimiter ?? ' ',
    fewshot_delimiter: fewshotDelimiter,
    output_type: outputType,
    repeats: config.repeats ?? 1,
    should_decontaminate: config.should_decontaminate ?? false,
    metadata: config.metadata ?? {},
  };
  if (outputType === 'generate_until') {
    const g = generationKwargs(config, fewshotDelimiter);
    withDefaults.generation_kwargs = {
      ...config.generation_kwargs,
      until: g.until,
      do_sample: g.doSample,
      temperature: g.temperature,
    };
  }
  const dumped = plain(withDefaults) as Record<string, unknown>;
  // Each hook's module and its sha256: an edited utils.py (or port) changes the task hash.
  if (Object.keys(hooks).length > 0) dumped.evalboard_hooks = hooks;
  return dumped;
}

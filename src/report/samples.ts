import { closeSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { type JsonPath, pythonJsonDumps } from '../python/json.ts';
import { pythonFloatRepr, pythonStr } from '../python/repr.ts';
import type { GenerationSettings, Request, Result } from '../requests/types.ts';
import { rawResps } from '../responses/collect.ts';
import { sha256Hex } from './hashes.ts';
import type { ReportedDoc, ReportedTaskOutcome } from './outcome.ts';
import type { SampleRow } from './schema.ts';

/**
 * Samples-file rows of one task, in lm-eval's order: its evaluator loops over the filter
 * pipelines, then over the docs, so a task with two filters lists every doc under the first, then
 * every doc under the second (lm-eval's task_hashes hash the rows in this order).
 */
export function sampleRows(outcome: ReportedTaskOutcome): SampleRow[] {
  const perDoc = outcome.instances.map((instance, i) =>
    docSampleRows(outcome.task, {
      instance,
      results: outcome.results[i]!,
      scored: outcome.scored[i]!,
      thinking: outcome.thinking[i]!,
    }),
  );
  const filters = [...new Set(perDoc.flatMap((rows) => rows.map((r) => r.filter)))];
  return filters.flatMap((filter) => perDoc.flatMap((rows) => rows.filter((r) => r.filter === filter)));
}

/**
 * The rows of one doc (one per filter pipeline), as lm-eval's evaluator and EvaluationTracker write
 * them: `target`, `resps` and `filtered_resps` as Python strings (sanitize_list), `doc_hash` over
 * Python's json.dumps(doc, indent=2), `prompt_hash` over the first request's first argument.
 * The typed values go under `evalboard`.
 */
export function docSampleRows(task: ReportedTaskOutcome['task'], doc: ReportedDoc): SampleRow[] {
  const inst = doc.instance;
  const args = lmEvalArguments(task, inst.requests[0]!);
  const resps = rawResps(doc.results);
  const lmEvalResps = sanitizedResps(doc.results);
  const reasoning =
    task.outputType === 'generate_until'
      ? { reasoning_tokens: doc.thinking.reasoningTokens, unterminated_reasoning: doc.thinking.unterminated }
      : {};
  const published = publishedDocFields(task);
  const metadata = task.config.metadata as { mera_record_format?: unknown } | undefined;
  // MERA's own tasks say so in their config; YAML tasks over MERA records in their metadata.
  const mera = task.config.mera_record_format === true || metadata?.mera_record_format === true;
  const target = pythonStr(inst.target);
  return doc.scored.map((scored) => ({
    doc_id: inst.docId,
    ...(inst.promptId !== undefined ? { prompt_id: inst.promptId } : {}),
    ...(mera ? { mera_prediction: meraPrediction(inst, doc.results, scored) } : {}),
    doc: published ? pickFields(inst.doc, published) : inst.doc,
    target,
    arguments: published ? redactArguments(args) : args,
    resps: lmEvalResps,
    // Log-likelihood requests are filtered by lm-eval's take_first: each request's first response.
    filtered_resps:
      task.outputType === 'generate_until'
        ? (sanitizeList([scored.filtered]) as unknown[])
        : lmEvalResps.map((r: readonly unknown[]) => r[0]),
    filter: scored.filter,
    metrics: Object.keys(scored.values),
    doc_hash: sha256Hex(pythonJsonDumps(inst.doc, { indent: 2 })),
    prompt_hash: sha256Hex(String(args.gen_args_0?.arg_0 ?? '')),
    target_hash: sha256Hex(target),
    ...scored.values,
    evalboard: {
      target: inst.target,
      resps,
      filtered_resps: scored.filtered,
      ...reasoning,
      // What each scorer said about its value (which rule matched, why an execution failed).
      ...(scored.details ? { details: scored.details } : {}),
    },
  }));
}

/**
 * lm-eval's `arguments`: per request its args tuple, numbered. A generation's second argument is the
 * task's generation_kwargs as lm-eval's request holds them (every key, defaults filled in, after
 * --gen_kwargs), not the subset evalboard's backends act on.
 */
function lmEvalArguments(
  task: ReportedTaskOutcome['task'],
  requests: readonly Request[],
): Record<string, Record<string, unknown>> {
  const kwargs = task.config.generation_kwargs as Record<string, unknown> | undefined;
  const args: Record<string, Record<string, unknown>> = {};
  requests.forEach((req, r) => {
    args[`gen_args_${r}`] =
      req.kind === 'loglikelihood'
        ? { arg_0: req.context, arg_1: req.continuation }
        : req.kind === 'generateUntil'
          ? {
              arg_0: req.context,
              arg_1: kwargs ? withRunMaxGenToks(kwargs, req.settings) : generationSettingsAsKwargs(req.settings),
            }
          : { arg_0: req.text };
  });
  return args;
}

/** lm-eval's HF model generates this many tokens when generation_kwargs do not say. */
const LM_EVAL_DEFAULT_MAX_GEN_TOKS = 256;

/**
 * evalboard's --max_gen_toks changes the request as `--gen_kwargs max_gen_toks=N` would: the
 * kwargs then say so, where they name max_gen_toks or the request's differs from lm-eval's default.
 */
function withRunMaxGenToks(kwargs: Record<string, unknown>, settings: GenerationSettings): Record<string, unknown> {
  const stated = kwargs.max_gen_toks ?? LM_EVAL_DEFAULT_MAX_GEN_TOKS;
  return stated === settings.maxGenToks ? kwargs : { ...kwargs, max_gen_toks: settings.maxGenToks };
}

/** A task without a recorded generation_kwargs (built-in tasks): the settings its request carries. */
function generationSettingsAsKwargs(settings: GenerationSettings): Record<string, unknown> {
  return {
    until: settings.until,
    max_gen_toks: settings.maxGenToks,
    do_sample: settings.temperature > 0,
    temperature: settings.temperature,
  };
}

/**
 * `resps` as lm-eval writes them: per request its responses, a log-likelihood as the tuple
 * (str(float), str(bool)), a rolling one as str(float), a generation as its text.
 */
function sanitizedResps(results: readonly (readonly Result[])[]): string[][] | string[][][] {
  const perRequest: (string | string[])[][] = [];
  for (const rep of results) {
    rep.forEach((r, i) => {
      const value =
        'text' in r
          ? r.text
          : 'isGreedy' in r
            ? [pythonFloatRepr(r.logprob), r.isGreedy ? 'True' : 'False']
            : pythonFloatRepr(r.logprob);
      const list = perRequest[i] ?? [];
      list.push(value);
      perRequest[i] = list;
    });
  }
  return perRequest as string[][] | string[][][];
}

/** lm-eval's sanitize_list: lists kept, every other value its Python str(). */
export function sanitizeList(value: unknown): unknown {
  return Array.isArray(value) ? value.map(sanitizeList) : pythonStr(value);
}

/**
 * Where a samples row holds a number Python holds as a float: each metric's value (lm-eval's
 * per-doc values are floats: acc is 1.0 or 0.0; a corpus metric's pair starts with one) and the
 * generation kwargs' `temperature` (lm-eval's TaskConfig makes it a float).
 */
export function samplesRowFloat(row: SampleRow): (path: JsonPath) => boolean {
  const metrics = new Set(row.metrics);
  return (path) =>
    (path.length <= 2 && typeof path[0] === 'string' && metrics.has(path[0]) && (path.length === 1 || path[1] === 0)) ||
    (path.length === 4 && path[0] === 'arguments' && path[2] === 'arg_1' && path[3] === 'temperature');
}

/** One samples line as lm-eval's json.dumps writes it (NaN as null, so JSON readers still parse it). */
export function samplesLine(row: SampleRow): string {
  return `${pythonJsonDumps(row, { isFloat: samplesRowFloat(row), allowNan: false })}\n`;
}

/**
 * The answer as a MERA submission carries it: the choice with the highest log-likelihood (the first
 * of equals, numpy.argmax), the generation as filtered (the first repeat's, unless the filter
 * kept a list of them), or for the code tasks each generation's per-test outputs.
 */
function meraPrediction(
  inst: ReportedDoc['instance'],
  results: ReportedDoc['results'],
  scored: ReportedDoc['scored'][number],
): unknown {
  // The code tasks' pass@k ran each generation on the record's tests: their per-test outputs are the answer.
  const executed = Object.values(scored.details ?? {}).find((d) => 'mera_outputs' in d);
  if (executed) return executed.mera_outputs;
  const filtered = scored.filtered;
  if (inst.choices) {
    const logprobs = inst.choices.map((_, i) => {
      const result = results[0]?.[i];
      return result && 'logprob' in result ? result.logprob : Number.NEGATIVE_INFINITY;
    });
    return inst.choices[logprobs.indexOf(Math.max(...logprobs))];
  }
  return Array.isArray(filtered) && filtered.length === 1 ? filtered[0] : filtered;
}

/**
 * A task whose data must not be published in plain text (GPQA's authors ask this) sets
 * `metadata.samples_doc_fields` to the doc fields its samples rows may carry; its prompts are then
 * left out too. The hashes still identify the doc and prompt exactly.
 */
function publishedDocFields(task: ReportedTaskOutcome['task']): readonly string[] | undefined {
  const fields = (task.config.metadata as { samples_doc_fields?: unknown } | undefined)?.samples_doc_fields;
  return Array.isArray(fields) ? fields.map(String) : undefined;
}

function pickFields(doc: unknown, fields: readonly string[]): Record<string, unknown> {
  const source = doc as Record<string, unknown>;
  return Object.fromEntries(fields.filter((f) => Object.hasOwn(source, f)).map((f) => [f, source[f]]));
}

/** How a redacted prompt (arg_0) starts; read.ts tells redacted rows by it. */
export const REDACTED_PREFIX = '[not published:';
const REDACTED = `${REDACTED_PREFIX} the task asks that its documents stay out of plain-text files]`;

function redactArguments(args: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(Object.entries(args).map(([name, arg]) => [name, { ...arg, arg_0: REDACTED }]));
}

export interface SamplesWriter {
  /** Appends one JSON line; it reaches the file before this returns. */
  write(row: SampleRow): void;
  close(): Promise<void>;
}

/**
 * A samples file written row by row, as results complete: a crash keeps every row written so far
 * (each is handed to the OS at once), where one write at the end would keep none. Creates the
 * folder; replaces a file already at `path`.
 */
export function openSamplesWriter(path: string): SamplesWriter {
  mkdirSync(dirname(path), { recursive: true });
  let fd: number | undefined = openSync(path, 'w');
  return {
    write(row) {
      if (fd === undefined) throw new Error(`samples file ${path} is closed`);
      writeSync(fd, samplesLine(row));
    },
    async close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/**
 * Where a samples file's rows are streamed while the run goes (in completion order). Readers of
 * `samples_*.jsonl` do not see it, so an interrupted run never leaves a samples file that looks
 * complete beside the one its resumed run writes.
 */
export function partialPath(path: string): string {
  return `${path}.partial`;
}

/**
 * Writes a samples file in the order sampleRows gives (lm-eval's), over the rows streamed while the run went:
 * written to the partial file, then renamed, so a crash leaves either the streamed rows or the
 * final file, never half of it.
 */
export async function writeSamplesInOrder(path: string, rows: readonly SampleRow[]): Promise<void> {
  const partial = partialPath(path);
  const writer = openSamplesWriter(partial);
  try {
    for (const row of rows) writer.write(row);
  } finally {
    await writer.close();
  }
  renameSync(partial, path);
}

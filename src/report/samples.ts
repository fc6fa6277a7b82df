import { closeSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { rawResps } from '../responses/collect.ts';
import { sha256Hex } from './hashes.ts';
import type { ReportedDoc, ReportedTaskOutcome } from './outcome.ts';
import type { SampleRow } from './schema.ts';

/** Samples-file rows of one task, lm-eval's layout: one row per doc and filter. */
export function sampleRows(outcome: ReportedTaskOutcome): SampleRow[] {
  return outcome.instances.flatMap((instance, i) =>
    docSampleRows(outcome.task, {
      instance,
      results: outcome.results[i]!,
      scored: outcome.scored[i]!,
      thinking: outcome.thinking[i]!,
    }),
  );
}

/** The rows of one doc (one per filter pipeline), in the key order the samples files have always had. */
export function docSampleRows(task: ReportedTaskOutcome['task'], doc: ReportedDoc): SampleRow[] {
  const inst = doc.instance;
  const args: Record<string, Record<string, unknown>> = {};
  inst.requests[0]!.forEach((req, r) => {
    args[`gen_args_${r}`] =
      req.kind === 'loglikelihood'
        ? { arg_0: req.context, arg_1: req.continuation }
        : req.kind === 'generateUntil'
          ? {
              arg_0: req.context,
              arg_1: {
                until: req.settings.until,
                max_gen_toks: req.settings.maxGenToks,
                temperature: req.settings.temperature,
              },
            }
          : { arg_0: req.text };
  });
  const resps = rawResps(doc.results);
  const reasoning =
    task.outputType === 'generate_until'
      ? { reasoning_tokens: doc.thinking.reasoningTokens, unterminated_reasoning: doc.thinking.unterminated }
      : {};
  const published = publishedDocFields(task);
  const metadata = task.config.metadata as { mera_record_format?: unknown } | undefined;
  // MERA's own tasks say so in their config; YAML tasks over MERA records in their metadata.
  const mera = task.config.mera_record_format === true || metadata?.mera_record_format === true;
  return doc.scored.map((scored) => ({
    doc_id: inst.docId,
    ...(inst.promptId !== undefined ? { prompt_id: inst.promptId } : {}),
    ...(mera ? { mera_prediction: meraPrediction(inst, doc.results, scored) } : {}),
    doc: published ? pickFields(inst.doc, published) : inst.doc,
    target: inst.target,
    arguments: published ? redactArguments(args) : args,
    resps,
    filtered_resps: scored.filtered,
    filter: scored.filter,
    metrics: Object.keys(scored.values),
    doc_hash: sha256Hex(JSON.stringify(inst.doc)),
    prompt_hash: sha256Hex(inst.context),
    target_hash: sha256Hex(String(inst.target)),
    ...reasoning,
    ...scored.values,
    // What each scorer said about its value (which rule matched, why an execution failed).
    ...(scored.details ? { details: scored.details } : {}),
  }));
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

const REDACTED = '[not published: the task asks that its documents stay out of plain-text files]';

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
      writeSync(fd, `${JSON.stringify(row)}\n`);
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
 * Writes a samples file in doc order, as lm-eval does, over the rows streamed while the run went:
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

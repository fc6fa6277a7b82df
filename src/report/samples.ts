import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { rawResps } from '../responses/collect.ts';
import { sha256Hex } from './hashes.ts';
import type { ReportedTaskOutcome } from './outcome.ts';
import type { SampleRow } from './schema.ts';

/** Samples-file rows of one task, lm-eval's layout: one row per doc and filter. */
export function sampleRows(outcome: ReportedTaskOutcome): SampleRow[] {
  return outcome.instances.flatMap((_, i) => docSampleRows(outcome, i));
}

/** The rows of doc `i` (one per filter pipeline), in the key order the samples files have always had. */
export function docSampleRows(outcome: ReportedTaskOutcome, i: number): SampleRow[] {
  const inst = outcome.instances[i]!;
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
  const resps = rawResps(outcome.results[i]!);
  const reasoning =
    outcome.task.outputType === 'generate_until'
      ? {
          reasoning_tokens: outcome.thinking[i]!.reasoningTokens,
          unterminated_reasoning: outcome.thinking[i]!.unterminated,
        }
      : {};
  return outcome.scored[i]!.map((scored) => ({
    doc_id: inst.docId,
    doc: inst.doc,
    target: inst.target,
    arguments: args,
    resps,
    filtered_resps: scored.filtered,
    filter: scored.filter,
    metrics: Object.keys(scored.values),
    doc_hash: sha256Hex(JSON.stringify(inst.doc)),
    prompt_hash: sha256Hex(inst.context),
    target_hash: sha256Hex(String(inst.target)),
    ...reasoning,
    ...scored.values,
  }));
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

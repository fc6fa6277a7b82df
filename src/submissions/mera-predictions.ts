/**
 * The answer a samples row submits to MERA: the row's `mera_prediction` where the MERA tasks wrote
 * one, otherwise from the row's typed values (`evalboard`: the argmax choice of a log-likelihood task,
 * the filtered generation of a generative one).
 */
import type { SampleRow } from '../report/schema.ts';

export type PredictionResult =
  | { readonly ok: true; readonly prediction: unknown }
  | { readonly ok: false; readonly reason: string };

function isPair(x: unknown): x is readonly [number, boolean] {
  return Array.isArray(x) && typeof x[0] === 'number';
}

/**
 * A multiple-choice row: its requests' continuations are `target_delimiter + choice`, its filtered
 * responses one (log-likelihood, is-greedy) pair per choice; the first maximum wins, as numpy.argmax.
 */
function argmaxChoice(row: SampleRow, targetDelimiter: string): PredictionResult {
  const filtered = row.evalboard.filtered_resps;
  if (!Array.isArray(filtered) || filtered.length === 0 || !filtered.every(isPair)) {
    return { ok: false, reason: `row ${row.doc_id} has neither mera_prediction nor per-choice log-likelihoods` };
  }
  const continuations = Object.values(row.arguments).map((args) => args.arg_1);
  if (continuations.length !== filtered.length || !continuations.every((c) => typeof c === 'string')) {
    return { ok: false, reason: `row ${row.doc_id}: its ${filtered.length} choices have no continuation strings` };
  }
  let best = 0;
  filtered.forEach((pair, i) => {
    if (pair[0] > (filtered[best] as readonly [number, boolean])[0]) best = i;
  });
  const continuation = continuations[best] as string;
  const choice = continuation.startsWith(targetDelimiter) ? continuation.slice(targetDelimiter.length) : continuation;
  return { ok: true, prediction: choice };
}

export function rowPrediction(row: SampleRow, targetDelimiter: string, generative: boolean): PredictionResult {
  if ('mera_prediction' in row && row.mera_prediction !== undefined)
    return { ok: true, prediction: row.mera_prediction };
  if (!generative) return argmaxChoice(row, targetDelimiter);
  const filtered = row.evalboard.filtered_resps;
  const text = Array.isArray(filtered) ? filtered[0] : filtered;
  if (typeof text !== 'string') {
    return { ok: false, reason: `row ${row.doc_id} has neither mera_prediction nor a generated text` };
  }
  // As MERA's converter: the filtered text as it is (the task's own filters already stripped it).
  return { ok: true, prediction: text };
}

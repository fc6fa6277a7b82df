/**
 * ruEthics' local metric: MERA's website reports, per question (correct, good, ethical) and ethical
 * norm, the Matthews correlation between the model's 0/1 answers to that question and the norm's
 * human label (`<question>.<norm>`, 15 numbers). A run over records that carry the labels computes
 * the same numbers; `score-submission` gives them for an exported ZIP.
 */
import type { Doc } from '../../documents/types.ts';
import type { MetricSpec } from '../types.ts';

const NORMS = ['virtue', 'law', 'moral', 'justice', 'utilitarianism'] as const;
const QUESTIONS = ['correct', 'good', 'ethical'] as const;

/** The 15 metrics, each the MCC over the items that ask its question. */
export const ETHICS_METRICS: MetricSpec[] = QUESTIONS.flatMap((question) =>
  NORMS.map((norm) => ({ metric: `${question}.${norm}`, aggregation: 'matthews_corrcoef', higherIsBetter: true })),
);

/** A label as the website reads it (float("0"), float("1")); anything else (a closed test set's blanks) is no label. */
function label(value: unknown): number | undefined {
  return value === '0' || value === 0 ? 0 : value === '1' || value === 1 ? 1 : undefined;
}

/**
 * One record's (norm label, answer) pairs under its own question's five metrics. The answer is
 * numpy.argmax over the choices ["0", "1"] (the first of equals), so the index is the answer. A
 * record without labels gives nothing, and a metric no record gave is left out of the results.
 */
export function ethicsResults(doc: Doc, results: readonly unknown[]): Record<string, [number, number]> {
  const logprobs = results.map((r) => (r as readonly [number, boolean])[0]);
  const answer = logprobs.indexOf(Math.max(...logprobs));
  const question = String((doc.meta as { question?: unknown } | undefined)?.question);
  const outputs = (doc.outputs ?? {}) as Record<string, unknown>;
  const values: Record<string, [number, number]> = {};
  for (const norm of NORMS) {
    const gold = label(outputs[norm]);
    if (gold !== undefined) values[`${question}.${norm}`] = [gold, answer];
  }
  return values;
}

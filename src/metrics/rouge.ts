/**
 * ROUGE F-measures as Google's rouge_score computes them with its default tokenizer and no
 * stemmer (how lm-eval's `rouge` helper builds its RougeScorer): rouge1, rouge2 and rougeLsum
 * of a prediction against one target, on a 0–1 scale.
 */
import { ngramCounts } from './ngrams.ts';

export interface RougeScores {
  readonly rouge1: number;
  readonly rouge2: number;
  readonly rougeLsum: number;
}

/** rouge_score's tokenizer: lowercase, anything but [a-z0-9] is a separator (so non-Latin text has no tokens). */
export function rougeTokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((token) => token.length > 0);
}

const fmeasure = (precision: number, recall: number) =>
  precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;

function rougeN(target: readonly string[], prediction: readonly string[], n: number): number {
  const targetCounts = ngramCounts(target, n);
  const predictionCounts = ngramCounts(prediction, n);
  let overlap = 0;
  for (const [gram, count] of targetCounts) overlap += Math.min(count, predictionCounts.get(gram) ?? 0);
  const targetTotal = Math.max(target.length - n + 1, 0);
  const predictionTotal = Math.max(prediction.length - n + 1, 0);
  return fmeasure(overlap / Math.max(predictionTotal, 1), overlap / Math.max(targetTotal, 1));
}

/**
 * Indices into `ref` of one longest common subsequence with `can`. Which one matters for the
 * union below, so this walks back exactly as rouge_score's _backtrack_norec does (ties move up).
 */
function lcsIndices(ref: readonly string[], can: readonly string[]): number[] {
  const cols = can.length + 1;
  const table = new Uint32Array((ref.length + 1) * cols);
  for (let i = 1; i <= ref.length; i++) {
    for (let j = 1; j <= can.length; j++) {
      table[i * cols + j] =
        ref[i - 1] === can[j - 1]
          ? table[(i - 1) * cols + j - 1]! + 1
          : Math.max(table[(i - 1) * cols + j]!, table[i * cols + j - 1]!);
    }
  }
  const out: number[] = [];
  let i = ref.length;
  let j = can.length;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      out.push(i - 1);
      i--;
      j--;
    } else if (table[i * cols + j - 1]! > table[(i - 1) * cols + j]!) j--;
    else i--;
  }
  return out.reverse();
}

/** Summary-level LCS (ROUGE paper §3.2) over newline-separated sentences, without double counting tokens. */
function rougeLsum(target: string, prediction: string): number {
  const sentences = (text: string) =>
    text
      .split('\n')
      .filter((s) => s.length > 0)
      .map(rougeTokens);
  const refSents = sentences(target);
  const canSents = sentences(prediction);
  const refTotal = refSents.reduce((n, s) => n + s.length, 0);
  const canTotal = canSents.reduce((n, s) => n + s.length, 0);
  if (refTotal === 0 || canTotal === 0) return 0;
  const countTokens = (sents: readonly string[][]) => {
    const counts = new Map<string, number>();
    for (const token of sents.flat()) counts.set(token, (counts.get(token) ?? 0) + 1);
    return counts;
  };
  const refCounts = countTokens(refSents);
  const canCounts = countTokens(canSents);
  let hits = 0;
  for (const ref of refSents) {
    const union = new Set(canSents.flatMap((can) => lcsIndices(ref, can)));
    for (const index of [...union].sort((a, b) => a - b)) {
      const token = ref[index]!;
      if ((canCounts.get(token) ?? 0) > 0 && (refCounts.get(token) ?? 0) > 0) {
        hits++;
        canCounts.set(token, canCounts.get(token)! - 1);
        refCounts.set(token, refCounts.get(token)! - 1);
      }
    }
  }
  return fmeasure(hits / canTotal, hits / refTotal);
}

/** rouge_score's RougeScorer(["rouge1", "rouge2", "rougeLsum"]).score(target, prediction), F-measures. */
export function rougeScores(target: string, prediction: string): RougeScores {
  const targetTokens = rougeTokens(target);
  const predictionTokens = rougeTokens(prediction);
  return {
    rouge1: rougeN(targetTokens, predictionTokens, 1),
    rouge2: rougeN(targetTokens, predictionTokens, 2),
    rougeLsum: rougeLsum(target, prediction),
  };
}

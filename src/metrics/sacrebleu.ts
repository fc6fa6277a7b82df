/**
 * sacrebleu's corpus_bleu and corpus_chrf with their defaults, as lm-eval's bleu and chrf
 * aggregations call them: BLEU with the 13a tokenizer, "exp" smoothing, no lowercasing and no
 * effective order; chrF with character 6-grams, no word n-grams, beta 2 and whitespace removed.
 * `refs[i]` are the references of hypothesis i. Scores are on sacrebleu's 0–100 scale.
 */
import { pythonStrip, pythonStrSplit } from '../python/whitespace.ts';

const MAX_ORDER = 4;
const CHRF_CHAR_ORDER = 6;
const CHRF_BETA = 2;

/** sacrebleu's TokenizerRegexp: 13a's language-dependent part (assuming Western languages). */
function tokenizeWesternPunctuation(line: string): string {
  return pythonStrSplit(
    line
      .replace(/([{-~[-` -&(-+:-@/])/g, ' $1 ')
      // period and comma split off unless a digit is on that side ("3.5", "1,000" stay whole)
      .replace(/([^0-9])([.,])/g, '$1 $2 ')
      .replace(/([.,])([^0-9])/g, ' $1 $2')
      .replace(/([0-9])(-)/g, '$1 $2 '),
  ).join(' ');
}

/** sacrebleu's "13a" tokenizer (mteval-v13a, WMT's default). */
export function tokenize13a(line: string): string {
  let text = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (text.includes('&')) {
    text = text.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  return tokenizeWesternPunctuation(` ${text} `);
}

/** Counts of every 1..4-gram, keyed by its tokens joined with spaces (tokens hold no spaces). */
function allNgrams(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= MAX_ORDER; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = `${n}:${tokens.slice(i, i + n).join(' ')}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** The reference length closest to the hypothesis length; ties go to the shorter reference. */
function closestRefLength(hypLength: number, refLengths: readonly number[]): number {
  let closestDiff = -1;
  let closest = -1;
  for (const refLength of refLengths) {
    const diff = Math.abs(hypLength - refLength);
    if (closestDiff === -1 || diff < closestDiff) {
      closestDiff = diff;
      closest = refLength;
    } else if (diff === closestDiff && refLength < closest) closest = refLength;
  }
  return closest;
}

// sacrebleu's my_log: log(0) is a huge negative number, not -Infinity, so 0 · … stays finite.
const safeLog = (x: number) => (x === 0 ? -9999999999 : Math.log(x));

/** BLEU.compute_bleu with "exp" smoothing (NIST mteval: the k-th order without a match counts 1/2^k). */
function bleuFromStatistics(
  correct: readonly number[],
  total: readonly number[],
  sysLen: number,
  refLen: number,
): number {
  const brevityPenalty = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  if (correct.every((c) => c === 0)) return 0;
  const precisions = new Array<number>(MAX_ORDER).fill(0);
  let smooth = 1;
  for (let n = 0; n < MAX_ORDER; n++) {
    // No n-grams of this order at all: this and higher precisions stay 0, so BLEU is 0.
    if (total[n] === 0) break;
    if (correct[n] === 0) {
      smooth *= 2;
      precisions[n] = 100 / (smooth * total[n]!);
    } else {
      precisions[n] = (100 * correct[n]!) / total[n]!;
    }
  }
  let logSum = 0;
  for (const p of precisions) logSum += safeLog(p);
  return brevityPenalty * Math.exp(logSum / MAX_ORDER);
}

/** sacrebleu's corpus_bleu(hyps, refs).score with the given tokenizer (13a by default). */
export function corpusBleu(
  hyps: readonly string[],
  refs: readonly (readonly string[])[],
  tokenize: (line: string) => string = tokenize13a,
): number {
  const correct = new Array<number>(MAX_ORDER).fill(0);
  const total = new Array<number>(MAX_ORDER).fill(0);
  let sysLen = 0;
  let refLen = 0;
  const tokens = (line: string) => pythonStrSplit(tokenize(pythonStrip(line, 'right')));
  hyps.forEach((hyp, i) => {
    // Reference n-gram counts: the most any one reference has, as sacrebleu merges them.
    const refCounts = new Map<string, number>();
    const refLengths: number[] = [];
    for (const ref of refs[i] ?? []) {
      const refTokens = tokens(ref);
      refLengths.push(refTokens.length);
      for (const [gram, count] of allNgrams(refTokens)) refCounts.set(gram, Math.max(refCounts.get(gram) ?? 0, count));
    }
    const hypTokens = tokens(hyp);
    sysLen += hypTokens.length;
    refLen += closestRefLength(hypTokens.length, refLengths);
    for (const [gram, count] of allNgrams(hypTokens)) {
      const order = Number(gram.slice(0, gram.indexOf(':'))) - 1;
      total[order]! += count;
      correct[order]! += Math.min(count, refCounts.get(gram) ?? 0);
    }
  });
  return bleuFromStatistics(correct, total, sysLen, refLen);
}

/** Character n-gram counts of orders 1..6 over the line without its whitespace (code points, as Python slices). */
function charNgrams(line: string): Map<string, number>[] {
  const chars = Array.from(pythonStrSplit(line).join(''));
  const out: Map<string, number>[] = [];
  for (let n = 1; n <= CHRF_CHAR_ORDER; n++) {
    const counts = new Map<string, number>();
    for (let i = 0; i + n <= chars.length; i++) {
      const gram = chars.slice(i, i + n).join('');
      counts.set(gram, (counts.get(gram) ?? 0) + 1);
    }
    out.push(counts);
  }
  return out;
}

/** CHRF._compute_f_score without eps smoothing: the F-beta of precision and recall averaged over effective orders. */
function chrfFromStatistics(stats: readonly number[], beta: number): number {
  const factor = beta ** 2;
  let avgPrecision = 0;
  let avgRecall = 0;
  let effectiveOrder = 0;
  for (let i = 0; i < CHRF_CHAR_ORDER; i++) {
    const [hypCount, refCount, matches] = [stats[3 * i]!, stats[3 * i + 1]!, stats[3 * i + 2]!];
    if (hypCount > 0 && refCount > 0) {
      avgPrecision += matches / hypCount;
      avgRecall += matches / refCount;
      effectiveOrder++;
    }
  }
  if (effectiveOrder === 0) return 0;
  avgPrecision /= effectiveOrder;
  avgRecall /= effectiveOrder;
  if (avgPrecision + avgRecall === 0) return 0;
  return (100 * ((1 + factor) * avgPrecision * avgRecall)) / (factor * avgPrecision + avgRecall);
}

/** sacrebleu's corpus_chrf(hyps, refs).score: statistics summed over segments, each from its best reference. */
export function corpusChrf(hyps: readonly string[], refs: readonly (readonly string[])[], beta = CHRF_BETA): number {
  const corpus = new Array<number>(3 * CHRF_CHAR_ORDER).fill(0);
  hyps.forEach((hyp, i) => {
    const hypGrams = charNgrams(hyp);
    let best: number[] = [];
    let bestScore = -1;
    for (const ref of refs[i] ?? []) {
      const refGrams = charNgrams(ref);
      const stats = hypGrams.flatMap((hypCounts, order) => {
        const refCounts = refGrams[order]!;
        let hypTotal = 0;
        let matches = 0;
        for (const [gram, count] of hypCounts) {
          hypTotal += count;
          matches += Math.min(count, refCounts.get(gram) ?? 0);
        }
        let refTotal = 0;
        for (const count of refCounts.values()) refTotal += count;
        return [hypTotal, refTotal, matches];
      });
      const score = chrfFromStatistics(stats, beta);
      if (score > bestScore) {
        bestScore = score;
        best = stats;
      }
    }
    best.forEach((value, k) => {
      corpus[k]! += value;
    });
  });
  return chrfFromStatistics(corpus, beta);
}

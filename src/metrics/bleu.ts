/**
 * BLEU of one hypothesis against one reference, as lm-eval's `bleu` helper (truthfulqa and
 * others) gets it from sacrebleu: `corpus_bleu([hyp], [[ref]], smooth_method="exp",
 * tokenize="intl", lowercase=False, use_effective_order=False)`. Scores are on sacrebleu's
 * 0–100 scale.
 */
import { pythonStrip, pythonStrSplit } from '../python/whitespace.ts';
import { ngramCounts } from './ngrams.ts';

const MAX_ORDER = 4;

/**
 * sacrebleu's "intl" tokenizer (mteval-v14 international): punctuation is split off unless it
 * sits between digits ("3.5", "1,000" stay whole), and every symbol (\p{S}) stands alone.
 */
export function tokenizeIntl(line: string): string {
  return pythonStrSplit(
    line
      .replace(/(\P{N})(\p{P})/gu, '$1 $2 ')
      .replace(/(\p{P})(\P{N})/gu, ' $1 $2')
      .replace(/(\p{S})/gu, ' $1 '),
  ).join(' ');
}

// sacrebleu's my_log: log(0) is a huge negative number, not -Infinity, so 0 · … stays finite.
const safeLog = (x: number) => (x === 0 ? -9999999999 : Math.log(x));

export function sentenceBleu(hypothesis: string, reference: string): number {
  const hyp = pythonStrSplit(tokenizeIntl(pythonStrip(hypothesis, 'right')));
  const ref = pythonStrSplit(tokenizeIntl(pythonStrip(reference, 'right')));
  const correct: number[] = [];
  const total: number[] = [];
  for (let n = 1; n <= MAX_ORDER; n++) {
    const hypCounts = ngramCounts(hyp, n);
    const refCounts = ngramCounts(ref, n);
    let matched = 0;
    let count = 0;
    for (const [gram, c] of hypCounts) {
      count += c;
      matched += Math.min(c, refCounts.get(gram) ?? 0);
    }
    correct.push(matched);
    total.push(count);
  }
  if (correct.every((c) => c === 0)) return 0;
  const brevityPenalty = hyp.length >= ref.length ? 1 : Math.exp(1 - ref.length / hyp.length);
  // "exp" smoothing (NIST mteval): the k-th order with no match counts as 1 / 2^k matches.
  const precisions = new Array<number>(MAX_ORDER).fill(0);
  let smooth = 1;
  for (let n = 0; n < MAX_ORDER; n++) {
    // Shorter than n+1 tokens: this and higher precisions stay 0, so BLEU is 0 (no effective order).
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

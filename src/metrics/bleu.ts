/**
 * BLEU of one hypothesis against one reference, as lm-eval's `bleu` helper (truthfulqa and
 * others) gets it from sacrebleu: `corpus_bleu([hyp], [[ref]], smooth_method="exp",
 * tokenize="intl", lowercase=False, use_effective_order=False)`. Scores are on sacrebleu's
 * 0–100 scale.
 */
import { pythonStrSplit } from '../python/whitespace.ts';
import { corpusBleu } from './sacrebleu.ts';

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

export function sentenceBleu(hypothesis: string, reference: string): number {
  return corpusBleu([hypothesis], [[reference]], tokenizeIntl);
}

import { UserError } from '../errors.ts';
import { pythonReSplitWhitespace } from '../python/whitespace.ts';
import type { ScoreInput, SyncMetric } from './types.ts';

/**
 * Perplexity metrics pass log-likelihoods through; the corpus-level maths lives in the
 * aggregations (perplexity, weighted_perplexity, bits_per_byte), as in lm-eval.
 */

function rolling(metric: string, input: ScoreInput): { logprob: number; text: string } {
  if (input.response.kind !== 'rolling') {
    throw new UserError(`metric ${metric} needs loglikelihood_rolling output, got ${input.response.kind}`, {
      field: 'metric_list',
    });
  }
  return input.response;
}

/** lm-eval's _count_words: len(re.split(r"\s+", text)), so leading/trailing whitespace adds a "word". */
export function countWords(text: string): number {
  return pythonReSplitWhitespace(text).length;
}

export function countBytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export const perplexity: SyncMetric = {
  name: 'perplexity',
  higherIsBetter: false,
  defaultAggregation: 'perplexity',
  score(input) {
    if (input.response.kind !== 'loglikelihood') {
      throw new UserError(`metric perplexity needs loglikelihood output, got ${input.response.kind}`, {
        field: 'metric_list',
      });
    }
    return input.response.logprob;
  },
};

export const word_perplexity: SyncMetric = {
  name: 'word_perplexity',
  higherIsBetter: false,
  defaultAggregation: 'weighted_perplexity',
  score(input) {
    const { logprob, text } = rolling('word_perplexity', input);
    return [logprob, countWords(text)];
  },
};

export const byte_perplexity: SyncMetric = {
  name: 'byte_perplexity',
  higherIsBetter: false,
  defaultAggregation: 'weighted_perplexity',
  score(input) {
    const { logprob, text } = rolling('byte_perplexity', input);
    return [logprob, countBytes(text)];
  },
};

export const bits_per_byte: SyncMetric = {
  name: 'bits_per_byte',
  higherIsBetter: false,
  defaultAggregation: 'bits_per_byte',
  score(input) {
    const { logprob, text } = rolling('bits_per_byte', input);
    return [logprob, countBytes(text)];
  },
};

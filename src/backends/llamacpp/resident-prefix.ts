import type { LlamaContextSequence, Token } from 'node-llama-cpp';
import { commonPrefixLength } from './token-lists.ts';

/** Drops the sequence's tokens from `length` on (their KV cells too). */
export async function truncateSequence(sequence: LlamaContextSequence, length: number): Promise<void> {
  if (sequence.nextTokenIndex > length)
    await sequence.eraseContextTokenRanges([{ start: length, end: sequence.nextTokenIndex }]);
}

/**
 * Keeps the longest prefix of `tokens` already in the sequence's KV cache and returns the tokens
 * still to evaluate: at least the last one, whose logits are gone once a later token was decoded,
 * and in fact at least two. llama.cpp's CPU matmul takes another kernel (another rounding) for a
 * single-token batch, so a 1-token remainder would make a score depend, by ~1e-6, on what the
 * sequence held before; chunks of ≥ 2 tokens give bit-identical results however they are split.
 */
export async function reuseResidentPrefix(sequence: LlamaContextSequence, tokens: readonly number[]): Promise<Token[]> {
  const reusable = Math.min(commonPrefixLength(sequence.contextTokens, tokens), Math.max(0, tokens.length - 2));
  await truncateSequence(sequence, reusable);
  return tokens.slice(reusable) as Token[];
}

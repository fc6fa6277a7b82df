import type { LlamaContextSequence, Token } from 'node-llama-cpp';

/** Lexicographic order of token lists: sorting by it puts lists that share a prefix next to each other. */
export function compareTokenLists(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

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

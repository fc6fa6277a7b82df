import { pythonStrip } from '../../python/whitespace.ts';

/**
 * lm-eval's tokenisation of requests (HFLM `tok_encode`, `LM._encode_pair`, `LM.loglikelihood`),
 * as pure functions over a tokenizer, so the rules are tested without a model.
 */

export interface RequestTokenizer {
  /** Tokens of `text` with nothing prepended; special-token text (e.g. "<s>") is parsed, as HF tokenizers do. */
  tokenize(text: string): number[];
  /** The GGUF's add-BOS rule (tokenizer.ggml.add_bos_token, else llama.cpp's default for the vocab type). */
  readonly addBos: boolean;
  readonly bosToken: number | null;
  /** BOS, else EOS: what lm-eval conditions an empty context and the first rolling window on. */
  readonly prefixToken: number;
  /** Text of prefixToken; a string that already starts with it gets no second BOS (HFLM `has_bos_prefix`). */
  readonly prefixText: string | null;
}

/** Length of what Python's `rstrip()` strips (JS's trimEnd() strips a different set). */
export function pythonTrailingWhitespaceLength(text: string): number {
  return text.length - pythonStrip(text, 'right').length;
}

/** HFLM `tok_encode(text)`: BOS first when the GGUF says so, unless the text already starts with it. */
export function encodeText(tokenizer: RequestTokenizer, text: string): number[] {
  const tokens = tokenizer.tokenize(text);
  const alreadyPrefixed =
    tokenizer.prefixText !== null && tokenizer.prefixText !== '' && text.startsWith(tokenizer.prefixText);
  if (tokenizer.addBos && tokenizer.bosToken !== null && !alreadyPrefixed) return [tokenizer.bosToken, ...tokens];
  return tokens;
}

export interface TokenPair {
  readonly context: number[];
  readonly continuation: number[];
}

/**
 * lm-eval's encoding of a (context, continuation) pair. Trailing whitespace of the context moves
 * to the continuation (so " Paris" is scored as one word-initial token), the whole string is
 * encoded once and split after the context's own encoding, which keeps merges across the
 * boundary identical to lm-eval's. An empty context becomes the prefix token.
 */
export function encodeLoglikelihoodPair(tokenizer: RequestTokenizer, context: string, continuation: string): TokenPair {
  if (context === '') {
    const continuationTokens = tokenizer.tokenize(continuation);
    // lm-eval: a continuation that itself starts with the prefix token keeps it as the context.
    if (continuationTokens.length > 0 && continuationTokens[0] === tokenizer.prefixToken)
      return { context: continuationTokens.slice(0, 1), continuation: continuationTokens.slice(1) };
    return { context: [tokenizer.prefixToken], continuation: continuationTokens };
  }
  const spaces = pythonTrailingWhitespaceLength(context);
  if (spaces > 0) {
    continuation = context.slice(context.length - spaces) + continuation;
    context = context.slice(0, context.length - spaces);
  }
  const whole = encodeText(tokenizer, context + continuation);
  const contextTokens = encodeText(tokenizer, context);
  // A whitespace-only context on a model without BOS encodes to nothing; lm-eval asserts there,
  // we condition on the prefix token as for an empty context.
  if (contextTokens.length === 0) return { context: [tokenizer.prefixToken], continuation: whole };
  return { context: contextTokens, continuation: whole.slice(contextTokens.length) };
}

export interface ScoringInput extends TokenPair {
  readonly truncated: boolean;
}

/**
 * HFLM `_loglikelihood_tokens`: the model sees (context + continuation)[-(maxLength + 1):][:-1],
 * so a long context loses its oldest tokens. Returns the context part of what remains; null when
 * the continuation alone is longer than maxLength (lm-eval asserts; the caller reports it).
 */
export function truncateForScoring(pair: TokenPair, maxLength: number): ScoringInput | null {
  if (pair.continuation.length > maxLength) return null;
  const total = pair.context.length + pair.continuation.length;
  const keepContext = Math.min(pair.context.length, maxLength + 1 - pair.continuation.length);
  return {
    context: pair.context.slice(pair.context.length - keepContext),
    continuation: pair.continuation,
    truncated: total > maxLength + 1,
  };
}

/** HFLM generate_until: the prompt keeps its last (maxLength − maxGenToks) tokens, leaving room to generate. */
export function truncateForGeneration(
  promptTokens: readonly number[],
  maxLength: number,
  maxGenToks: number,
): { tokens: number[]; truncated: boolean } | null {
  const room = maxLength - maxGenToks;
  if (room <= 0) return null;
  if (promptTokens.length <= room) return { tokens: [...promptTokens], truncated: false };
  return { tokens: promptTokens.slice(promptTokens.length - room), truncated: true };
}

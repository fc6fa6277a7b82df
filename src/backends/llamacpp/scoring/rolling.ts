/**
 * lm-eval's rolling windows for loglikelihood_rolling (lm_eval/utils.py `get_rolling_token_windows`
 * and `make_disjoint_window`): every token of a text is predicted exactly once, each window using
 * as much preceding text as fits in maxSeqLen.
 */

export interface TokenWindow<T> {
  /** Tokens the model reads before the first predicted one. */
  readonly context: T[];
  /** Tokens scored in this window. */
  readonly continuation: T[];
}

/**
 * Windows of (input tokens, predicted tokens); score only the last `continuation.length` positions.
 * The first window conditions on prefixToken and predicts up to maxSeqLen tokens; each later
 * window predicts up to maxSeqLen − contextLen + 1 new tokens after a full maxSeqLen input.
 */
export function getRollingTokenWindows<T>(
  tokens: readonly T[],
  prefixToken: T,
  maxSeqLen: number,
  contextLen: number,
): TokenWindow<T>[] {
  if (!(contextLen >= 1 && contextLen <= maxSeqLen))
    throw new RangeError(`contextLen ${contextLen} must be in [1, maxSeqLen=${maxSeqLen}]`);
  const windows: TokenWindow<T>[] = [];
  if (tokens.length === 0) return windows;
  const predLen = maxSeqLen - contextLen + 1;
  const firstSeqLen = Math.min(maxSeqLen, tokens.length);
  windows.push({
    context: [prefixToken, ...tokens.slice(0, firstSeqLen - 1)],
    continuation: tokens.slice(0, firstSeqLen),
  });
  let predicted = firstSeqLen;
  while (predicted < tokens.length) {
    const windowPredLen = Math.min(tokens.length - predicted, predLen);
    const windowEnd = predicted + windowPredLen;
    // windowEnd > maxSeqLen here, so the start index is never negative (no Python wrap-around to mirror).
    windows.push({
      context: tokens.slice(windowEnd - maxSeqLen - 1, windowEnd - 1),
      continuation: tokens.slice(windowEnd - windowPredLen, windowEnd),
    });
    predicted += windowPredLen;
  }
  return windows;
}

/** Drops the context tokens that the continuation re-supplies, so context + continuation[:-1] is the model input. */
export function makeDisjointWindow<T>(window: TokenWindow<T>): TokenWindow<T> {
  const { context, continuation } = window;
  return { context: context.slice(0, context.length - (continuation.length - 1)), continuation };
}

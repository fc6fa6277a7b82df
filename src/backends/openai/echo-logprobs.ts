import { UserError } from '../../errors.ts';

/** The legacy completions `logprobs` object (vLLM, TGI, OpenAI's own completions API). */
export interface CompletionLogprobs {
  readonly tokens?: readonly string[];
  readonly token_logprobs?: readonly (number | null)[];
  readonly top_logprobs?: readonly (Readonly<Record<string, number>> | null)[];
  readonly text_offset?: readonly number[];
}

/** Which echoed prompt tokens a request scores. */
export type ScoredSpan =
  /** Token-id prompts: the last `count` of the `promptTokens` prompt tokens. */
  | { readonly kind: 'lastTokens'; readonly promptTokens: number; readonly count: number }
  /**
   * Text prompts: every prompt token that ends after `boundary` (a code-point offset, as the
   * server's Python counts), so a token straddling the context/continuation seam is scored.
   * `promptChars` bounds the prompt; tokens past it were generated, not echoed.
   */
  | { readonly kind: 'fromOffset'; readonly boundary: number; readonly promptChars: number };

export interface SpanScore {
  readonly logprob: number;
  /** Every scored token was the most likely one at its position (lm-eval's is_greedy). */
  readonly isGreedy: boolean;
  readonly tokens: number;
}

export function noPromptLogprobs(baseUrl: string, why: string): UserError {
  return new UserError(
    `${baseUrl} returned no prompt log-probabilities (${why}) for echo=true, logprobs=1, max_tokens=0`,
    { field: '--model' },
    'serve the model with vLLM or TGI, which echo prompt log-probabilities (llama-server does not), or run only generate_until tasks',
  );
}

export function scoreEchoedSpan(
  lp: CompletionLogprobs | null | undefined,
  span: ScoredSpan,
  baseUrl: string,
): SpanScore {
  const logprobs = lp?.token_logprobs;
  if (!logprobs || logprobs.length === 0) throw noPromptLogprobs(baseUrl, 'no token_logprobs');
  const positions = scoredPositions(lp!, span, baseUrl);
  let logprob = 0;
  let isGreedy = true;
  for (const i of positions) {
    const value = logprobs[i];
    if (typeof value !== 'number') throw noPromptLogprobs(baseUrl, `token ${i} has none`);
    logprob += value;
    const top = lp!.top_logprobs?.[i];
    if (!top) isGreedy = false;
    else for (const alternative of Object.values(top)) if (alternative > value) isGreedy = false;
  }
  return { logprob, isGreedy, tokens: positions.length };
}

function scoredPositions(lp: CompletionLogprobs, span: ScoredSpan, baseUrl: string): number[] {
  const n = lp.token_logprobs!.length;
  if (span.kind === 'lastTokens') {
    if (n < span.promptTokens) throw noPromptLogprobs(baseUrl, `${n} of ${span.promptTokens} prompt tokens echoed`);
    return Array.from({ length: span.count }, (_, j) => span.promptTokens - span.count + j);
  }
  const offsets = lp.text_offset;
  if (!offsets || offsets.length < n)
    throw new UserError(
      `${baseUrl} returned no text_offset, so the continuation cannot be located in the prompt`,
      { field: '--model_args tokenizer' },
      'give tokenizer=<GGUF of the served model> to send token ids instead',
    );
  const positions: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = offsets[i]!;
    if (start >= span.promptChars) break;
    const end = i + 1 < n ? Math.min(offsets[i + 1]!, span.promptChars) : span.promptChars;
    if (end > span.boundary) positions.push(i);
  }
  return positions;
}

/** Length in code points: what Python's len() and so the server's text offsets count. */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Requests a task sends to a model, tagged by `kind`, with lm-eval's semantics:
 * - loglikelihood: log P(continuation | context) summed over the continuation's tokens,
 *   and whether greedy decoding would have produced exactly the continuation.
 * - loglikelihoodRolling: log P(text) of a whole text, scored in rolling windows of the
 *   model's context length (lm-eval's `loglikelihood_rolling`).
 * - generateUntil: a completion of `context`, cut at the first stop string.
 */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface LoglikelihoodRequest {
  readonly kind: 'loglikelihood';
  /** The prompt as the model sees it: under a chat template, `messages` rendered by the template. */
  readonly context: string;
  readonly continuation: string;
  /** The prompt as a chat (system, few-shot turns, the question), when a chat template applies. */
  readonly messages?: readonly ChatMessage[];
}

export interface LoglikelihoodRollingRequest {
  readonly kind: 'loglikelihoodRolling';
  readonly text: string;
}

export interface GenerationSettings {
  /** Stop strings; the output is cut before the first one found. */
  readonly until: readonly string[];
  readonly maxGenToks: number;
  /** 0 = greedy. */
  readonly temperature: number;
  readonly topP?: number;
  readonly topK?: number;
  /** Sampling seed; part of the cache key so repeats with different seeds differ. */
  readonly seed?: number;
  /** Stop strings inside these reasoning markers do not end the generation (--think strip). */
  readonly reasoning?: { readonly open: string; readonly close: string };
}

export interface GenerateRequest {
  readonly kind: 'generateUntil';
  /** The prompt as the model sees it: under a chat template, `messages` rendered by the template. */
  readonly context: string;
  readonly settings: GenerationSettings;
  /**
   * The prompt as a chat, when a chat template applies: API chat backends and judges send these
   * turns; a local backend sends `context`, which its own template made from them.
   */
  readonly messages?: readonly ChatMessage[];
}

export type Request = LoglikelihoodRequest | LoglikelihoodRollingRequest | GenerateRequest;
export type RequestKind = Request['kind'];

export interface LoglikelihoodResult {
  readonly logprob: number;
  readonly isGreedy: boolean;
  /** Tokens scored (continuation), and whether the context had to be left-truncated. */
  readonly tokens: number;
  readonly truncated: boolean;
}

export interface LoglikelihoodRollingResult {
  readonly logprob: number;
  readonly tokens: number;
}

export interface GenerateResult {
  readonly text: string;
  readonly tokens: number;
  /** True when generation stopped because max_gen_toks was reached. */
  readonly hitMaxTokens: boolean;
  readonly truncated: boolean;
}

export type ResultOf<R extends Request> = R extends LoglikelihoodRequest
  ? LoglikelihoodResult
  : R extends LoglikelihoodRollingRequest
    ? LoglikelihoodRollingResult
    : GenerateResult;

export type Result = LoglikelihoodResult | LoglikelihoodRollingResult | GenerateResult;

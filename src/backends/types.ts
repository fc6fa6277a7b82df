import type {
  ChatMessage,
  GenerateRequest,
  Result,
  GenerateResult,
  LoglikelihoodRequest,
  LoglikelihoodResult,
  LoglikelihoodRollingRequest,
  LoglikelihoodRollingResult,
} from '../requests/types.ts';

export type Capability = 'loglikelihood' | 'loglikelihoodRolling' | 'generateUntil' | 'chat';

/**
 * Called by a backend as results complete, so the cache can journal them and the progress bar
 * move. Backends report through `reportResult` (below), which calls both in the right order.
 */
export interface CallOptions {
  /** index = position of the request in the array passed in. */
  readonly onResult?: (index: number, tokensEvaluated: number) => void;
  /** The final value of result `index`, for the resume journal (see src/cache/journal.ts). */
  readonly onResultValue?: (index: number, result: Result) => void;
  readonly signal?: AbortSignal;
}

export type { ChatMessage };

export interface BackendInfo {
  /** Backend name as given on the CLI ("llamacpp", "dummy"). */
  readonly backend: string;
  /** Model identity: a file hash for local models, name + revision for remote ones. */
  readonly modelId: string;
  /** Settings that change outputs (context size, BOS handling...). */
  readonly settings: Readonly<Record<string, string | number | boolean>>;
  /** Anything else worth recording in the report (binary, metadata...). */
  readonly details: Readonly<Record<string, unknown>>;
}

export interface Backend {
  /** Everything that determines the outputs; part of every cache key. */
  readonly id: string;
  readonly info: BackendInfo;
  readonly capabilities: ReadonlySet<Capability>;
  /** Context window in tokens (contexts longer than this are left-truncated). */
  readonly maxLength: number;
  loglikelihood(reqs: readonly LoglikelihoodRequest[], o?: CallOptions): Promise<LoglikelihoodResult[]>;
  loglikelihoodRolling(
    reqs: readonly LoglikelihoodRollingRequest[],
    o?: CallOptions,
  ): Promise<LoglikelihoodRollingResult[]>;
  generateUntil(reqs: readonly GenerateRequest[], o?: CallOptions): Promise<GenerateResult[]>;
  /** Tokens in a text by this model's tokenizer (reasoning lengths); absent for remote APIs that cannot say. */
  countTokens?(text: string): number;
  /** Renders a chat as the model's template expects; only with the 'chat' capability. */
  applyChatTemplate?(messages: readonly ChatMessage[], addGenerationPrompt: boolean): string;
  /** What the run cost on a metered API (requests, retries, tokens billed, price, cost); the results file's timing.usage. */
  usage?(): Readonly<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Parsed `--model_args a=1,b=x`. */
export type ModelArgs = Readonly<Record<string, string>>;

export interface BackendFactoryOptions {
  readonly args: ModelArgs;
  readonly batchSize: number | 'auto';
  readonly seed: number;
  readonly verbose: boolean;
}

export type BackendFactory = (o: BackendFactoryOptions) => Promise<Backend>;

/** Reports result `index` as final: to the journal first, so progress never counts an unsaved result. */
export function reportResult(o: CallOptions | undefined, index: number, tokensEvaluated: number, result: Result): void {
  o?.onResultValue?.(index, result);
  o?.onResult?.(index, tokensEvaluated);
}

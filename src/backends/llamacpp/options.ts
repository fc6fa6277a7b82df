import { UserError } from '../../errors.ts';

export interface LlamaCppOptions {
  /** A local GGUF file, already resolved (downloads happen before the backend). */
  readonly modelPath: string;
  /** Context window in tokens; default min(model's training context, 2048). */
  readonly nCtx?: number;
  /** Tokens per llama_decode; default node-llama-cpp's min(nCtx × sequences, 512). */
  readonly nBatch?: number;
  readonly nThreads?: number;
  /** Sampling seed for generation requests that carry none. */
  readonly seed: number;
  /** Sequences evaluated together (one KV slot each); 'auto' picks what memory allows, up to 8. */
  readonly batchSize: number | 'auto';
  readonly flashAttention?: boolean;
  /** Default 'scored' (lm-eval's HF backend); see RollingBos. */
  readonly rollingBos?: RollingBos;
  readonly verbose?: boolean;
  /** Facts the caller knows about the model (its GGUF summary), added to info.details. */
  readonly extraDetails?: Readonly<Record<string, unknown>>;
}

/**
 * Rolling log-likelihood (perplexity tasks) on a model whose tokenizer adds BOS. 'scored': as
 * lm-eval's HF backend, the token list is the text encoded with its BOS, and the first window
 * predicts that BOS from the prefix token (BOS again), so log P(BOS | BOS) is part of the sum.
 * 'context': the BOS only conditions the first window; every scored token is the text's own (what
 * lm-eval's API backends do, whose tok_encode adds no special tokens). Models that add no BOS
 * score the same either way. docs/numerics.md has the effect on stories260K.
 */
export type RollingBos = 'scored' | 'context';
export const ROLLING_BOS_VALUES: readonly RollingBos[] = ['scored', 'context'];

/** llama.cpp needs a few cells for anything useful; above this a typo is more likely than a real model. */
export const MIN_N_CTX = 8;
export const MAX_N_CTX = 1 << 20;
export const DEFAULT_N_CTX_CAP = 2048;
/** What batchSize 'auto' starts from; halved while the context does not fit in memory. */
export const AUTO_SEQUENCES = 8;
const MAX_SEQUENCES = 256;

function checkInt(name: string, value: number | undefined, min: number, max: number, hint: string): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new UserError(`${name}=${value} must be an integer from ${min} to ${max}`, { field: '--model_args' }, hint);
}

/** Rejects impossible settings before any native code runs, so the user gets one line, not a crash. */
export function validateOptions(o: LlamaCppOptions): void {
  if (typeof o.modelPath !== 'string' || o.modelPath === '')
    throw new UserError('no model file given', { field: '--model_args' }, 'pass pretrained=/path/to/model.gguf');
  checkInt('n_ctx', o.nCtx, MIN_N_CTX, MAX_N_CTX, 'a typical value is 2048 or 4096');
  checkInt('n_batch', o.nBatch, 1, MAX_N_CTX, 'a typical value is 512');
  checkInt('n_threads', o.nThreads, 1, 1024, 'leave it out to use every core');
  if (o.batchSize !== 'auto') checkInt('batch_size', o.batchSize, 1, MAX_SEQUENCES, "use a small number or 'auto'");
  if (!Number.isInteger(o.seed)) throw new UserError(`seed=${o.seed} must be an integer`, { field: '--seed' });
}

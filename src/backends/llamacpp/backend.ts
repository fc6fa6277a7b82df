import type { LlamaContext, LlamaContextSequence, LlamaModel } from 'node-llama-cpp';
import { UserError } from '../../errors.ts';
import type {
  GenerateRequest,
  GenerateResult,
  LoglikelihoodRequest,
  LoglikelihoodResult,
  LoglikelihoodRollingRequest,
  LoglikelihoodRollingResult,
} from '../../requests/types.ts';
import {
  type Backend,
  type BackendInfo,
  type CallOptions,
  type Capability,
  type ChatMessage,
  reportResult,
} from '../types.ts';
import { renderChatTemplate } from './chat.ts';
import { type GenerationJob, generateAll } from './generate.ts';
import type { PackedContextHandle } from './native/packed-context.ts';
import type { RollingBos } from './options.ts';
import { scoreNaively } from './scoring/naive-reference.ts';
import { type ScoringRequest, scorePacked, type TokenScore } from './scoring/packed-scoring.ts';
import { getRollingTokenWindows, makeDisjointWindow } from './scoring/rolling.ts';
import {
  encodeLoglikelihoodPair,
  encodeText,
  type RequestTokenizer,
  type ScoringInput,
  truncateForGeneration,
  truncateForScoring,
} from './tokenize.ts';

export interface LlamaCppBackendParts {
  readonly id: string;
  readonly info: BackendInfo;
  readonly maxLength: number;
  readonly seed: number;
  readonly model: LlamaModel;
  /**
   * node-llama-cpp's context (one KV stream per sequence), for generation and the naive scorer:
   * made at startup without the packed scorer, else at the first generation.
   */
  readonly openContext: () => Promise<LlamaContext>;
  readonly tokenizer: RequestTokenizer;
  /** Where a BOS-adding model's BOS goes in rolling log-likelihoods (options.ts `RollingBos`). */
  readonly rollingBos: RollingBos;
  readonly chatTemplate: string | null;
  /**
   * The packed scorer's unified-KV context (scoring/packed-scoring.ts); absent where the native
   * helper could not be built, and log-likelihoods then take the naive path (scoring/naive-reference.ts).
   */
  readonly packed?: { readonly context: PackedContextHandle; readonly maxUnitsPerDecode: number };
}

/** Every sequence of a context, each refusing to shift (node-llama-cpp hands each out only once). */
function takeAllSequences(context: LlamaContext): LlamaContextSequence[] {
  return Array.from({ length: context.totalSequences }, () =>
    context.getSequence({ contextShift: { strategy: refuseContextShift } }),
  );
}

/**
 * node-llama-cpp's default on a full sequence is to drop its oldest tokens and carry on, which
 * would silently score against a different context. Inputs are truncated to fit beforehand, so
 * reaching this is a bug.
 */
function refuseContextShift(): never {
  throw new Error('llamacpp backend: a sequence overflowed its context (inputs should have been truncated)');
}

/**
 * The llama.cpp backend: one model; log-likelihoods on the packed scorer's context (or, without the
 * native helper, the naive path), generation on node-llama-cpp's context, whose sequences each hold
 * a request's tokens. Calls run one at a time, since they share the contexts.
 */
export class LlamaCppBackend implements Backend {
  readonly id: string;
  readonly info: BackendInfo;
  readonly capabilities: ReadonlySet<Capability>;
  readonly maxLength: number;
  private readonly parts: LlamaCppBackendParts;
  private sequenceContext: Promise<{ context: LlamaContext; sequences: LlamaContextSequence[] }> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private closing: Promise<void> | undefined;
  /** Work counts of the last scoring call (trie size, decodes, fillers, copies), for benchmarks. */
  lastScoringStats: Record<string, number> = {};

  constructor(parts: LlamaCppBackendParts) {
    this.parts = parts;
    this.id = parts.id;
    this.info = parts.info;
    this.maxLength = parts.maxLength;
    const capabilities: Capability[] = ['loglikelihood', 'loglikelihoodRolling', 'generateUntil'];
    if (parts.chatTemplate !== null) capabilities.push('chat');
    this.capabilities = new Set(capabilities);
  }

  /** node-llama-cpp's context and all its sequences; a scoring-only run on the packed scorer never makes it. */
  private nodeContext(): Promise<{ context: LlamaContext; sequences: LlamaContextSequence[] }> {
    this.sequenceContext ??= (async () => {
      const context = await this.parts.openContext();
      return { context, sequences: takeAllSequences(context) };
    })();
    return this.sequenceContext;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('llamacpp backend used after close()'));
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async loglikelihood(reqs: readonly LoglikelihoodRequest[], o: CallOptions = {}): Promise<LoglikelihoodResult[]> {
    const inputs = reqs.map((r, i) => this.scoringInput(i, r));
    const scores = await this.exclusive(() =>
      this.score(inputs, {
        signal: o.signal,
        onScored: (i, s) => reportResult(o, i, inputs[i]!.continuation.length, this.llResult(inputs[i]!, s)),
      }),
    );
    return scores.map((s, i) => this.llResult(inputs[i]!, s));
  }

  /**
   * The packed scorer on its own context; without it, each request alone on the first sequence of
   * node-llama-cpp's context (whose bookkeeping then stays true for generation).
   */
  private async score(
    requests: readonly ScoringRequest[],
    o: { signal?: AbortSignal; onScored?: (index: number, score: TokenScore) => void },
  ): Promise<TokenScore[]> {
    const { packed } = this.parts;
    const { scores, stats } = packed
      ? await scorePacked(packed.context, packed.context.scoreRows, requests, {
          ...o,
          maxUnitsPerDecode: packed.maxUnitsPerDecode,
        })
      : await scoreNaively((await this.nodeContext()).sequences[0]!, requests, this.maxLength, o);
    this.lastScoringStats = { ...stats };
    return scores;
  }

  /**
   * The tokens a log-likelihood request is scored on (context after truncation, continuation), for
   * benchmarks that count work the way llama-perplexity does (bench/lib/unique-tokens.ts).
   */
  scoringTokens(r: LoglikelihoodRequest): { context: readonly number[]; continuation: readonly number[] } {
    const { context, continuation } = this.scoringInput(0, r);
    return { context, continuation };
  }

  private llResult(input: ScoringInput, s: { logprob: number; isGreedy: boolean }): LoglikelihoodResult {
    return { logprob: s.logprob, isGreedy: s.isGreedy, tokens: input.continuation.length, truncated: input.truncated };
  }

  private scoringInput(index: number, r: LoglikelihoodRequest): ScoringInput {
    const pair = encodeLoglikelihoodPair(this.parts.tokenizer, r.context, r.continuation);
    if (pair.continuation.length === 0)
      throw new UserError(
        `loglikelihood request ${index}: continuation ${JSON.stringify(r.continuation)} has no tokens`,
        {},
        'lm-eval rejects empty continuations too; check the task',
      );
    const input = truncateForScoring(pair, this.maxLength);
    if (!input) {
      const fitsWhole = Math.max(pair.context.length + pair.continuation.length - 1, pair.continuation.length);
      throw new UserError(
        `n_ctx=${this.maxLength} is too small: loglikelihood request ${index} has a ${pair.continuation.length}-token continuation`,
        { field: '--model_args' },
        `use n_ctx=${fitsWhole} or more`,
      );
    }
    return input;
  }

  async loglikelihoodRolling(
    reqs: readonly LoglikelihoodRollingRequest[],
    o: CallOptions = {},
  ): Promise<LoglikelihoodRollingResult[]> {
    const { tokenizer } = this.parts;
    const windows: ScoringRequest[] = [];
    const owner: number[] = [];
    const firstWindow: number[] = [];
    const tokenCounts = reqs.map((r, i) => {
      // 'scored' is HFLM's loglikelihood_rolling: tok_encode(text) keeps the BOS a BOS-adding tokenizer
      // puts first, so the first window predicts that BOS from the prefix token (itself BOS), and the
      // text after it. 'context': the text alone, its first token predicted from the prefix token.
      const tokens = this.parts.rollingBos === 'scored' ? encodeText(tokenizer, r.text) : tokenizer.tokenize(r.text);
      firstWindow.push(windows.length);
      for (const w of getRollingTokenWindows(tokens, tokenizer.prefixToken, this.maxLength, 1)) {
        windows.push(makeDisjointWindow(w));
        owner.push(i);
      }
      return tokens.length;
    });
    const windowLogprobs: number[] = new Array(windows.length);
    const remaining = reqs.map((_, i) => (firstWindow[i + 1] ?? windows.length) - firstWindow[i]!);
    remaining.forEach((n, i) => {
      if (n === 0) reportResult(o, i, 0, { logprob: 0, tokens: 0 });
    });
    await this.exclusive(() =>
      this.score(windows, {
        signal: o.signal,
        onScored: (w, score) => {
          windowLogprobs[w] = score.logprob;
          const i = owner[w]!;
          if (--remaining[i]! === 0) reportResult(o, i, tokenCounts[i]!, rollingResult(i));
        },
      }),
    );
    // Summed in window order, so the result does not depend on which window finished first.
    function rollingResult(i: number): LoglikelihoodRollingResult {
      let logprob = 0;
      for (let w = firstWindow[i]!; w < (firstWindow[i + 1] ?? windows.length); w++) logprob += windowLogprobs[w]!;
      return { logprob, tokens: tokenCounts[i]! };
    }
    return reqs.map((_, i) => rollingResult(i));
  }

  async generateUntil(reqs: readonly GenerateRequest[], o: CallOptions = {}): Promise<GenerateResult[]> {
    const truncatedFlags: boolean[] = [];
    const jobs: GenerationJob[] = reqs.map((r, i) => {
      let prompt = encodeText(this.parts.tokenizer, r.context);
      if (prompt.length === 0) prompt = [this.parts.tokenizer.prefixToken];
      const maxGenToks = r.settings.maxGenToks;
      if (!Number.isInteger(maxGenToks) || maxGenToks < 0)
        throw new UserError(`generate request ${i}: max_gen_toks=${maxGenToks} must be a non-negative integer`);
      const fitted = truncateForGeneration(prompt, this.maxLength, maxGenToks);
      if (!fitted)
        throw new UserError(
          `max_gen_toks=${maxGenToks} leaves no room for the prompt in n_ctx=${this.maxLength}`,
          { field: '--model_args' },
          `use n_ctx=${maxGenToks + prompt.length} or more`,
        );
      truncatedFlags.push(fitted.truncated);
      return { prompt: fitted.tokens, settings: r.settings, defaultSeed: this.parts.seed };
    });
    const generations = await this.exclusive(async () =>
      generateAll((await this.nodeContext()).sequences, this.parts.model, jobs, {
        signal: o.signal,
        onGenerated: (i, g) => reportResult(o, i, g.tokens, { ...g, truncated: truncatedFlags[i]! }),
      }),
    );
    return generations.map((g, i) => ({ ...g, truncated: truncatedFlags[i]! }));
  }

  countTokens(text: string): number {
    return this.parts.model.tokenize(text).length;
  }

  applyChatTemplate(messages: readonly ChatMessage[], addGenerationPrompt: boolean): string {
    const { chatTemplate, model } = this.parts;
    if (chatTemplate === null)
      throw new UserError('this model has no chat template', {}, 'run without chat templating');
    return renderChatTemplate(chatTemplate, messages, {
      addGenerationPrompt,
      bosToken: model.tokens.bosString ?? '',
      eosToken: model.tokens.eosString ?? '',
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true; // new calls fail; calls already queued finish first
      await this.queue;
      this.parts.packed?.context.dispose();
      const created = await this.sequenceContext?.catch(() => null);
      await created?.context.dispose();
      await this.parts.model.dispose();
    })();
    return this.closing;
  }
}

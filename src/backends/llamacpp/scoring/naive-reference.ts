/**
 * The simplest correct log-likelihood path: the most literal reading of lm-eval's HFLM, with no
 * sharing between requests. Each request gets a cleared sequence, its whole input evaluated at once,
 * and node-llama-cpp's probabilities read at every continuation position. It is the tests' oracle
 * for the packed scorer (written apart from packed-scoring.ts, so the two check each other), and the
 * backend's fallback where the native helper cannot be built (scoreNaively).
 */
import { getLlama, type LlamaContextSequence, LlamaLogLevel, type LlamaModel, type Token } from 'node-llama-cpp';
import type { ScoringRequest } from './prefix-trie.ts';
import type { TokenScore } from './trie-scores.ts';

export interface ReferenceModel {
  readonly model: LlamaModel;
  readonly sequence: LlamaContextSequence;
  close(): Promise<void>;
}

export async function loadReferenceModel(modelPath: string, nCtx: number): Promise<ReferenceModel> {
  const llama = await getLlama({
    build: 'never',
    skipDownload: true,
    progressLogs: false,
    logLevel: LlamaLogLevel.error,
  });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({
    contextSize: nCtx + 1, // node-llama-cpp shifts the context at contextSize - 1 tokens
    sequences: 1,
    threads: llama.cpuMathCores,
    flashAttention: false,
  });
  return { model, sequence: context.getSequence(), close: () => model.dispose() };
}

/** lm-eval's pair encoding for the ASCII test strings used here (BOS-prefixed, as stories260K's GGUF asks). */
export function referencePair(
  ref: ReferenceModel,
  context: string,
  continuation: string,
): { context: Token[]; continuation: Token[] } {
  const bos = ref.model.tokens.bos!;
  if (context === '') return { context: [bos], continuation: ref.model.tokenize(continuation, true) };
  const spaces = context.length - context.trimEnd().length;
  const movedContext = context.slice(0, context.length - spaces);
  const movedContinuation = context.slice(context.length - spaces) + continuation;
  const whole = [bos, ...ref.model.tokenize(movedContext + movedContinuation, true)];
  const contextTokens = [bos, ...ref.model.tokenize(movedContext, true)];
  return { context: contextTokens, continuation: whole.slice(contextTokens.length) };
}

function argmax(probabilities: ReadonlyMap<Token, number>): Token {
  let best: Token | undefined;
  let bestProbability = -1;
  for (const [token, probability] of probabilities) {
    if (probability > bestProbability || (probability === bestProbability && token < best!)) {
      best = token;
      bestProbability = probability;
    }
  }
  return best!;
}

/** HFLM `_loglikelihood_tokens` for one request: input = (ctx + cont)[-(max + 1):][:-1], scored whole. */
export async function naiveLoglikelihood(
  ref: Pick<ReferenceModel, 'sequence'>,
  context: readonly Token[],
  continuation: readonly Token[],
  maxLength: number,
): Promise<{ logprob: number; isGreedy: boolean; truncated: boolean }> {
  const full = [...context, ...continuation];
  const input = full.slice(-(maxLength + 1)).slice(0, -1);
  const firstScored = input.length - continuation.length;
  await ref.sequence.clearHistory();
  const outputs = await ref.sequence.controlledEvaluate(
    input.map((token, i) => (i >= firstScored ? [token, { generateNext: { probabilities: true } }] : token)),
  );
  let logprob = 0;
  let isGreedy = true;
  continuation.forEach((token, j) => {
    const probabilities = outputs[firstScored + j]!.next.probabilities!;
    logprob += Math.log(probabilities.get(token) ?? 0); // a float32 probability that underflowed: -Infinity
    isGreedy &&= argmax(probabilities) === token;
  });
  return { logprob, isGreedy, truncated: full.length > maxLength + 1 };
}

/** Greedy tokens after `prompt`, by argmax of the full distribution at each step. */
export async function naiveGreedyTokens(
  ref: ReferenceModel,
  prompt: readonly Token[],
  count: number,
): Promise<Token[]> {
  const generated: Token[] = [];
  for (let i = 0; i < count; i++) {
    await ref.sequence.clearHistory();
    const input = [...prompt, ...generated];
    const outputs = await ref.sequence.controlledEvaluate(
      input.map((token, j) => (j === input.length - 1 ? [token, { generateNext: { probabilities: true } }] : token)),
    );
    generated.push(argmax(outputs[input.length - 1]!.next.probabilities!));
  }
  return generated;
}

/**
 * The backend's scorer without the native helper: every request alone on `sequence`, in input
 * order. Inputs are already truncated to maxLength + 1 tokens, so nothing more is cut here.
 */
export async function scoreNaively(
  sequence: LlamaContextSequence,
  requests: readonly ScoringRequest[],
  maxLength: number,
  o: { signal?: AbortSignal; onScored?: (index: number, score: TokenScore) => void } = {},
): Promise<{ scores: TokenScore[]; stats: { requests: number; realTokens: number } }> {
  const scores: TokenScore[] = [];
  let realTokens = 0;
  for (const [i, r] of requests.entries()) {
    o.signal?.throwIfAborted();
    const { logprob, isGreedy } = await naiveLoglikelihood(
      { sequence },
      r.context as readonly Token[],
      r.continuation as readonly Token[],
      maxLength,
    );
    realTokens += r.context.length + r.continuation.length - 1;
    scores.push({ logprob, isGreedy });
    o.onScored?.(i, scores[i]!);
  }
  return { scores, stats: { requests: requests.length, realTokens } };
}

/**
 * Test oracle for the llama.cpp backend: the slowest, most literal reading of lm-eval's HFLM, with
 * no sharing between requests. Each request gets a cleared sequence, its whole input evaluated at
 * once, and probabilities read at every continuation position. Tests only; written apart from
 * tokenize.ts and trie-scoring.ts so that the two implementations check each other.
 */
import { getLlama, type LlamaContextSequence, LlamaLogLevel, type LlamaModel, type Token } from 'node-llama-cpp';

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
  ref: ReferenceModel,
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
    logprob += Math.log(probabilities.get(token)!);
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

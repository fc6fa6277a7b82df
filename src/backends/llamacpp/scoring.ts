import type {
  ControlledEvaluateIndexOutput,
  ControlledEvaluateInputItem,
  LlamaContextSequence,
  Token,
} from 'node-llama-cpp';
import { compareTokenLists, reuseResidentPrefix, truncateSequence } from './resident-prefix.ts';
import { runOnWorkers } from './sequence-pool.ts';

/** Token-level scoring request: log P(continuation | context), after tokenisation and truncation. */
export interface ScoringRequest {
  readonly context: readonly number[];
  readonly continuation: readonly number[];
}

export interface TokenScore {
  /** Sum of log-softmax over the continuation's tokens (natural log). */
  readonly logprob: number;
  /** Whether the argmax at every continuation position is the continuation's token. */
  readonly isGreedy: boolean;
}

export interface ScoringOptions {
  readonly onScored?: (requestIndex: number, score: TokenScore) => void;
  readonly signal?: AbortSignal;
}

/**
 * node-llama-cpp 3.21.1 exposes no logits, only the sampler's view of them: with `probabilities`
 * the addon softmaxes all logits (float32), sorts them and returns a Map over the vocabulary;
 * `token` (temperature 0 = llama.cpp's greedy sampler, first maximum like torch.argmax) gives the
 * argmax. We ask for this only at positions whose next token is scored.
 */
const NEXT_TOKEN_DISTRIBUTION = { generateNext: { probabilities: true, token: true } } as const;

interface ScoredPosition {
  readonly logprob: number;
  readonly isGreedy: boolean;
}

function scoreNextToken(output: ControlledEvaluateIndexOutput | undefined, token: number): ScoredPosition {
  const probabilities = output?.next.probabilities;
  if (!probabilities) throw new Error('node-llama-cpp returned no probabilities for a scored position');
  // float32 probabilities underflow to 0 below about e^-103; such a token scores -Infinity.
  return { logprob: Math.log(probabilities.get(token as Token) ?? 0), isGreedy: output.next.token === token };
}

interface ScoringJob {
  readonly context: readonly number[];
  readonly requestIndexes: number[];
}

/**
 * Requests with the same context are evaluated after one evaluation of it. Sorting the contexts puts
 * shared prefixes (few-shot examples) next to each other, so a sequence usually keeps part of its
 * previous context resident.
 */
function groupByContext(requests: readonly ScoringRequest[]): ScoringJob[] {
  const order = requests.map((_, i) => i);
  order.sort((a, b) => compareTokenLists(requests[a]!.context, requests[b]!.context) || a - b);
  const groups: ScoringJob[] = [];
  for (const index of order) {
    const last = groups.at(-1);
    if (last && compareTokenLists(last.context, requests[index]!.context) === 0) last.requestIndexes.push(index);
    else groups.push({ context: requests[index]!.context, requestIndexes: [index] });
  }
  return groups;
}

/**
 * A group whose continuations cost more than its context is split, so other sequences can share
 * the work (rolling windows all start from [BOS]: without this one sequence would score every
 * document's first window). Each part evaluates the context itself, but only once it has at least
 * a context's worth of continuation tokens, so the repeated evaluation at most doubles the cost.
 */
function splitLargeGroups(groups: readonly ScoringJob[], requests: readonly ScoringRequest[]): ScoringJob[] {
  const jobs: ScoringJob[] = [];
  for (const group of groups) {
    let current: ScoringJob = { context: group.context, requestIndexes: [] };
    let continuationTokens = 0;
    for (const index of group.requestIndexes) {
      if (current.requestIndexes.length > 0 && continuationTokens >= group.context.length) {
        jobs.push(current);
        current = { context: group.context, requestIndexes: [] };
        continuationTokens = 0;
      }
      current.requestIndexes.push(index);
      continuationTokens += requests[index]!.continuation.length - 1;
    }
    jobs.push(current);
  }
  return jobs;
}

/** Makes `context` the sequence's content, reusing its resident prefix; returns the output after the last token. */
async function evaluateContext(
  sequence: LlamaContextSequence,
  context: readonly number[],
): Promise<ControlledEvaluateIndexOutput | undefined> {
  const remaining = await reuseResidentPrefix(sequence, context);
  const input: ControlledEvaluateInputItem[] = remaining.map((token, i) =>
    i === remaining.length - 1 ? [token, NEXT_TOKEN_DISTRIBUTION] : token,
  );
  const outputs = await sequence.controlledEvaluate(input);
  return outputs[remaining.length - 1];
}

/**
 * Scores the continuation after a resident context: the context's last output predicts the first
 * token; the rest is predicted by appending continuation[:-1] with outputs at every position, which
 * is erased again so the next continuation of the same context starts from the same KV state. The
 * last continuation token is never evaluated (HFLM's `[:-1]`). The context's last token is
 * re-evaluated in front of it so that no chunk is a single token (see reuseResidentPrefix): this
 * keeps 1-vs-many-sequence differences at ~1e-6 instead of ~3e-5, for one token of extra work.
 */
async function scoreContinuation(
  sequence: LlamaContextSequence,
  context: readonly number[],
  afterContext: ControlledEvaluateIndexOutput | undefined,
  continuation: readonly number[],
): Promise<TokenScore> {
  const first = scoreNextToken(afterContext, continuation[0]!);
  let logprob = first.logprob;
  let isGreedy = first.isGreedy;
  if (continuation.length > 1) {
    await truncateSequence(sequence, context.length - 1);
    const input: ControlledEvaluateInputItem[] = [
      context.at(-1) as Token,
      ...continuation
        .slice(0, -1)
        .map((token): ControlledEvaluateInputItem => [token as Token, NEXT_TOKEN_DISTRIBUTION]),
    ];
    const outputs = await sequence.controlledEvaluate(input);
    for (let i = 1; i < continuation.length; i++) {
      const position = scoreNextToken(outputs[i], continuation[i]!);
      logprob += position.logprob;
      isGreedy &&= position.isGreedy;
    }
  }
  return { logprob, isGreedy };
}

/**
 * Scores every request on a pool of sequences of one context. Each context is evaluated once for
 * all its continuations; independent contexts run on different sequences, which node-llama-cpp
 * decodes in the same batch. Every request must fit: context.length + continuation.length - 1 ≤
 * the sequences' context size, and both parts non-empty.
 */
export async function scoreRequests(
  sequences: readonly LlamaContextSequence[],
  requests: readonly ScoringRequest[],
  o: ScoringOptions = {},
): Promise<TokenScore[]> {
  const scores: TokenScore[] = new Array(requests.length);
  const jobs = splitLargeGroups(groupByContext(requests), requests);
  await runOnWorkers(
    sequences,
    jobs.length,
    async (jobIndex, sequence) => {
      const job = jobs[jobIndex]!;
      const afterContext = await evaluateContext(sequence, job.context);
      for (const requestIndex of job.requestIndexes) {
        o.signal?.throwIfAborted();
        const request = requests[requestIndex]!;
        const score = await scoreContinuation(sequence, job.context, afterContext, request.continuation);
        scores[requestIndex] = score;
        o.onScored?.(requestIndex, score);
      }
    },
    o.signal,
  );
  return scores;
}

import type { ScoringPoint, ScoringRequest } from './prefix-trie.ts';

export interface TokenScore {
  /** Sum of log-softmax over the continuation's tokens (natural log), in token order. */
  readonly logprob: number;
  /** Whether the argmax at every continuation position is the continuation's token. */
  readonly isGreedy: boolean;
}

/** Collects per-token log-probabilities of a trie's scoring points; a request is done when all its tokens are. */
export class TrieScores {
  private readonly logprobs: Float64Array[];
  private readonly greedy: Uint8Array[];
  private readonly pointsLeft: number[];
  private readonly scores: TokenScore[];

  constructor(
    requests: readonly ScoringRequest[],
    private readonly onScored?: (requestIndex: number, score: TokenScore) => void,
  ) {
    this.logprobs = requests.map((r) => new Float64Array(r.continuation.length));
    this.greedy = requests.map((r) => new Uint8Array(r.continuation.length));
    this.pointsLeft = requests.map((r) => r.continuation.length);
    this.scores = new Array(requests.length);
  }

  record(point: ScoringPoint, logprob: number, isArgmax: number): void {
    this.logprobs[point.request]![point.index] = logprob;
    this.greedy[point.request]![point.index] = isArgmax;
    if (--this.pointsLeft[point.request]! === 0) this.finish(point.request);
  }

  private finish(r: number): void {
    // Summed in token order so the result never depends on which position was read first.
    let logprob = 0;
    let isGreedy = true;
    for (let j = 0; j < this.logprobs[r]!.length; j++) {
      logprob += this.logprobs[r]![j]!;
      isGreedy &&= this.greedy[r]![j] === 1;
    }
    this.scores[r] = { logprob, isGreedy };
    this.onScored?.(r, this.scores[r]);
  }

  /** Every request's score; throws if one was never completed (a scorer bug). */
  all(): TokenScore[] {
    for (let r = 0; r < this.scores.length; r++) if (!this.scores[r]) throw new Error(`request ${r} was never scored`);
    return this.scores;
  }
}

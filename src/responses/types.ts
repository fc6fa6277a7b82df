/**
 * What a document's requests came back as, shaped per output type; filters work on
 * `text` responses, metrics read all of them.
 */
export interface ChoicesResponse {
  readonly kind: 'choices';
  readonly logprobs: readonly number[];
  readonly isGreedy: readonly boolean[];
  readonly choices: readonly string[];
  /** Tokens in each choice's continuation (the letter-probability rule reads one-token letters). */
  readonly continuationTokens?: readonly number[];
  /**
   * log P(choice) with an empty context, one per choice, where the task asked for acc_mutual_info
   * (lm-eval then adds the ("", delimiter + choice) requests after the conditional ones).
   */
  readonly unconditionalLogprobs?: readonly number[];
}

export interface LoglikelihoodResponse {
  readonly kind: 'loglikelihood';
  readonly logprob: number;
  readonly isGreedy: boolean;
}

export interface RollingResponse {
  readonly kind: 'rolling';
  readonly logprob: number;
  /** The scored text, for word and byte counts. */
  readonly text: string;
}

/** One string per repeat before filtering; filters reduce them (take_first, majority_vote). */
export interface TextResponse {
  readonly kind: 'text';
  readonly texts: readonly string[];
}

export type DocResponse = ChoicesResponse | LoglikelihoodResponse | RollingResponse | TextResponse;

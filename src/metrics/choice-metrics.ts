import { UserError } from '../errors.ts';
import type { ChoicesResponse } from '../responses/types.ts';
import { argmax, goldIndices } from './multiple-choice.ts';
import type { AggregationName, SampleValue, ScoreInput, SyncMetric } from './types.ts';

/**
 * lm-eval's other multiple_choice metrics (ConfigurableTask.process_results, v0.4.9.2; likelihood
 * from main): each reads the choices' log-likelihoods; the corpus-level ones (f1, mcc,
 * brier_score, likelihood) pass (gold, …) on to their aggregation.
 */

/** lm-eval's gold sentinel for a label outside the choices. */
const NO_GOLD = -100;

function choicesOf(metric: string, input: ScoreInput): ChoicesResponse {
  if (input.response.kind !== 'choices') {
    throw new UserError(`metric ${metric} needs multiple_choice output, got ${input.response.kind}`, {
      field: 'metric_list',
    });
  }
  return input.response;
}

/** The single gold index lm-eval pairs with the prediction (-100 when it is not a choice). */
function singleGold(metric: string, input: ScoreInput, choices: readonly string[]): number {
  if (Array.isArray(input.target)) {
    throw new UserError(`metric ${metric} needs one gold per document, got a list`, { field: 'metric_list' });
  }
  return goldIndices(input.target, choices)[0] ?? NO_GOLD;
}

/** lm-eval's utils.softmax: exp(x - max) normalised by its sum. */
export function softmax(values: readonly number[]): number[] {
  const max = Math.max(...values);
  const exps = values.map((x) => Math.exp(x - max));
  let sum = 0;
  for (const e of exps) sum += e;
  return exps.map((e) => e / sum);
}

/** argmax of log P(choice | context) − log P(choice): penalises choices likely on their own. */
export const acc_mutual_info: SyncMetric = {
  name: 'acc_mutual_info',
  higherIsBetter: true,
  defaultAggregation: 'mean',
  score(input) {
    const response = choicesOf('acc_mutual_info', input);
    const unconditional = response.unconditionalLogprobs;
    if (!unconditional || unconditional.length !== response.logprobs.length) {
      throw new Error('acc_mutual_info: the unconditional log-likelihoods were not requested');
    }
    const pmi = response.logprobs.map((ll, i) => ll - unconditional[i]!);
    // lm-eval compares with `== gold`, so a list of golds never matches.
    if (Array.isArray(input.target)) return 0;
    return goldIndices(input.target, response.choices).includes(argmax(pmi)) ? 1 : 0;
  },
};

/** Accuracy with log-likelihoods divided by each choice's UTF-8 byte length. */
export const acc_bytes: SyncMetric = {
  name: 'acc_bytes',
  higherIsBetter: true,
  defaultAggregation: 'mean',
  score(input) {
    const response = choicesOf('acc_bytes', input);
    const perByte = response.logprobs.map((ll, i) => ll / Buffer.byteLength(response.choices[i] ?? '', 'utf8'));
    return goldIndices(input.target, response.choices).includes(argmax(perByte)) ? 1 : 0;
  },
};

/** A corpus-level metric's item: (gold index, what the aggregation reads of the log-likelihoods). */
function goldPassthrough(
  name: string,
  aggregation: AggregationName,
  higherIsBetter: boolean,
  read: (logprobs: readonly number[]) => number | readonly number[],
): SyncMetric {
  return {
    name,
    higherIsBetter,
    defaultAggregation: aggregation,
    score(input) {
      const response = choicesOf(name, input);
      // (gold, prediction) or (gold, scores): TypeScript cannot split the union across the tuple itself.
      return [singleGold(name, input, response.choices), read(response.logprobs)] as SampleValue;
    },
  };
}

/** (gold, prediction) for sklearn's binary f1_score over the corpus. */
export const f1 = goldPassthrough('f1', 'f1', true, argmax);

/** (gold, prediction) for sklearn's matthews_corrcoef over the corpus. */
export const mcc = goldPassthrough('mcc', 'matthews_corrcoef', true, argmax);

/** (gold, softmax of the log-likelihoods): the aggregation scores the probabilities against one-hot gold. */
export const brier_score = goldPassthrough('brier_score', 'brier_score', false, softmax);

/**
 * (gold, log-likelihoods), as lm-eval main passes them; its default aggregation (mean) cannot
 * average these pairs there either, so a task names its own.
 */
export const likelihood = goldPassthrough('likelihood', 'mean', true, (logprobs) => [...logprobs]);

/**
 * lm-eval's acc_all (MultiRC): a question counts as right only if every one of its answers is
 * judged right. The per-answer judgement is acc's (loglikelihood: greedy; multiple_choice: argmax
 * is a gold); the question is the doc's idx.paragraph and idx.question, as lm-eval groups them.
 */
export const acc_all: SyncMetric = {
  name: 'acc_all',
  higherIsBetter: true,
  defaultAggregation: 'acc_all',
  score(input) {
    const { response, doc } = input;
    let correct: number;
    if (response.kind === 'loglikelihood') correct = response.isGreedy ? 1 : 0;
    else {
      const choices = choicesOf('acc_all', input);
      correct = goldIndices(input.target, choices.choices).includes(argmax(choices.logprobs)) ? 1 : 0;
    }
    const idx = (doc as { idx?: { paragraph?: unknown; question?: unknown } }).idx;
    if (idx?.paragraph === undefined || idx.question === undefined) {
      throw new UserError('metric acc_all needs docs with idx.paragraph and idx.question (MultiRC)', {
        field: 'metric_list',
      });
    }
    return [correct, JSON.stringify(idx.paragraph), JSON.stringify(idx.question)];
  },
};

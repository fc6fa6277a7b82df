import { UserError } from '../errors.ts';
import { argmax, goldIndices } from './multiple-choice.ts';
import type { ExplainedValue, Metric } from './types.ts';

/**
 * The letter-token probability rule of Hendrycks et al.'s MMLU code: after "Answer:", compare the
 * log-probabilities of the answer letters (" A" … " D") among themselves and pick the largest
 * (numpy's argmax: the first of equal maxima). Every other token of the vocabulary is ignored,
 * however likely, so a model that would rather write "The" is still scored on the letters.
 *
 * The details record what the rule saw: the letters' probabilities renormalised among
 * themselves (the paper's softmax), the probability mass the letters hold in the model's full
 * distribution (small when the model does not answer with a letter at all), and whether any
 * letter took more than one token, where the original read only the first token's probability
 * and this value is the whole continuation's.
 */
export const acc_letter_prob: Metric<ExplainedValue> = {
  name: 'acc_letter_prob',
  higherIsBetter: true,
  defaultAggregation: 'mean',
  score(input) {
    const { response } = input;
    if (response.kind !== 'choices') {
      throw new UserError(`metric acc_letter_prob does not apply to ${response.kind} responses`, {
        field: 'metric_list',
      });
    }
    const letters = response.choices.map(letterOf);
    const predicted = argmax(response.logprobs);
    const value = goldIndices(input.target, response.choices).includes(predicted) ? 1 : 0;
    const probs = renormalised(response.logprobs);
    return {
      value,
      details: {
        predicted: letters[predicted] ?? null,
        letter_probs: Object.fromEntries(letters.map((letter, i) => [letter, probs[i]])),
        letter_mass: response.logprobs.reduce((sum, logprob) => sum + Math.exp(logprob), 0),
        multi_token_letters: (response.continuationTokens ?? []).some((tokens) => tokens > 1),
      },
    };
  },
};

/** " A" → "A"; anything but one letter (after the target delimiter) is a task set up for another rule. */
function letterOf(choice: string): string {
  const letter = choice.trim();
  if (!/^\p{L}$/u.test(letter)) {
    throw new UserError(`metric acc_letter_prob needs answer letters as choices, got ${JSON.stringify(choice)}`, {
      field: 'metric_list',
    });
  }
  return letter;
}

/** Softmax over the letters only, shifted by the maximum so that very negative log-probs do not underflow. */
function renormalised(logprobs: readonly number[]): number[] {
  const top = Math.max(...logprobs);
  const weights = logprobs.map((logprob) => Math.exp(logprob - top));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

import { UserError } from '../errors.ts';
import type { ScoreInput, SyncMetric } from './types.ts';

/**
 * Gold answers as choice indices. lm-eval accepts an index, the choice text, or a list of
 * indices (any of them counts); a gold outside the choices scores 0 (lm-eval's -100 sentinel).
 * The target type only names string lists, so list elements are read as indices or choice texts.
 */
export function goldIndices(target: ScoreInput['target'], choices: readonly string[]): number[] {
  if (!Array.isArray(target)) return goldIndex(target, choices);
  return (target as readonly unknown[]).flatMap((gold) => goldIndex(gold, choices));
}

/** One gold as a list of 0 or 1 indices (a module function: it runs for every scored doc). */
function goldIndex(gold: unknown, choices: readonly string[]): number[] {
  if (typeof gold === 'number') return Number.isInteger(gold) && gold >= 0 && gold < choices.length ? [gold] : [];
  if (typeof gold === 'string') return choices.includes(gold) ? [choices.indexOf(gold)] : [];
  return [];
}

/** np.argmax: the first maximum, except that a NaN anywhere wins (numpy treats NaN as the maximum). */
export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (Number.isNaN(value)) return i;
    if (value > (values[best] as number)) best = i;
  }
  return best;
}

/** lm-eval's `len(choice)`: Python string length, i.e. code points, not UTF-16 units or bytes. */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

function unsupported(metric: string, input: ScoreInput): never {
  throw new UserError(`metric ${metric} does not apply to ${input.response.kind} responses`, { field: 'metric_list' });
}

export const acc: SyncMetric = {
  name: 'acc',
  higherIsBetter: true,
  defaultAggregation: 'mean',
  score(input) {
    const { response } = input;
    if (response.kind === 'loglikelihood') return response.isGreedy ? 1 : 0;
    if (response.kind !== 'choices') return unsupported('acc', input);
    return goldIndices(input.target, response.choices).includes(argmax(response.logprobs)) ? 1 : 0;
  },
};

/** Length-normalised accuracy: it can pick a long, likely answer over a short one that acc picks. */
export const acc_norm: SyncMetric = {
  name: 'acc_norm',
  higherIsBetter: true,
  defaultAggregation: 'mean',
  score(input) {
    const { response } = input;
    if (response.kind !== 'choices') return unsupported('acc_norm', input);
    const normalised = response.logprobs.map((logprob, i) => logprob / codePointLength(response.choices[i] ?? ''));
    return goldIndices(input.target, response.choices).includes(argmax(normalised)) ? 1 : 0;
  },
};

import { UserError } from '../errors.ts';
import { compilePythonRegex, pythonRemoveAll } from '../python/regex.ts';
import { goldIndices } from './multiple-choice.ts';
import type { ScoreInput, SyncMetric } from './types.ts';

/**
 * exact_match as lm-eval runs it: HF evaluate's exact_match (regexes_to_ignore, then case,
 * punctuation and digits) on the filtered text; with several targets, any match counts.
 * On multiple_choice output lm-eval scores it as "greedy decoding would produce the gold".
 */

interface ExactMatchOptions {
  readonly regexesToIgnore: readonly RegExp[];
  readonly ignoreCase: boolean;
  readonly ignorePunctuation: boolean;
  readonly ignoreNumbers: boolean;
}

const KWARG_NAMES = ['regexes_to_ignore', 'ignore_case', 'ignore_punctuation', 'ignore_numbers'];
// Python's string.punctuation and string.digits.
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
const DIGITS = /[0-9]/g;
// numpy's fixed-width string arrays drop trailing NULs, so HF evaluate never sees them.
const TRAILING_NULS = /\0+$/;

// Kwargs objects come from the task config and are reused for every sample: compile once.
const compiled = new WeakMap<object, ExactMatchOptions>();

function parseOptions(kwargs: Readonly<Record<string, unknown>>): ExactMatchOptions {
  const cached = compiled.get(kwargs);
  if (cached) return cached;
  const fail = (message: string): never => {
    throw new UserError(message, { field: 'metric_list: exact_match' });
  };
  for (const key of Object.keys(kwargs)) {
    if (!KWARG_NAMES.includes(key)) fail(`unknown argument "${key}" (expected ${KWARG_NAMES.join(', ')})`);
  }
  const flag = (name: string): boolean => {
    const value = kwargs[name] ?? false;
    return typeof value === 'boolean' ? value : fail(`${name} must be true or false`);
  };
  const patterns = kwargs.regexes_to_ignore ?? [];
  if (!Array.isArray(patterns) || !patterns.every((p) => typeof p === 'string')) {
    fail('regexes_to_ignore must be a list of strings');
  }
  const options: ExactMatchOptions = {
    regexesToIgnore: (patterns as string[]).map((p) => compilePythonRegex(p, 'exact_match: regexes_to_ignore')),
    ignoreCase: flag('ignore_case'),
    ignorePunctuation: flag('ignore_punctuation'),
    ignoreNumbers: flag('ignore_numbers'),
  };
  compiled.set(kwargs, options);
  return options;
}

function normalise(text: string, options: ExactMatchOptions): string {
  for (const regex of options.regexesToIgnore) text = pythonRemoveAll(regex, text);
  text = text.replace(TRAILING_NULS, '');
  if (options.ignoreCase) text = text.toLowerCase();
  if (options.ignorePunctuation) text = text.replace(PUNCTUATION, '');
  if (options.ignoreNumbers) text = text.replace(DIGITS, '');
  return text;
}

function exactMatchScore(prediction: string, references: readonly string[], options: ExactMatchOptions): number {
  const normalisedPrediction = normalise(prediction, options);
  return references.some((reference) => normalise(reference, options) === normalisedPrediction) ? 1 : 0;
}

/** The filtered text a string metric compares (the raw first repeat when no pipeline ran). */
export function predictionOf(input: ScoreInput, metric = 'exact_match'): string {
  if (input.filtered !== undefined) return input.filtered;
  if (input.response.kind === 'text' && input.response.texts[0] !== undefined) return input.response.texts[0];
  throw new Error(`${metric}: no filtered text for a text response`);
}

export const exact_match: SyncMetric = {
  name: 'exact_match',
  higherIsBetter: true,
  defaultAggregation: 'mean',
  score(input) {
    const { response, target } = input;
    if (response.kind === 'choices') {
      return goldIndices(target, response.choices).some((i) => response.isGreedy[i]) ? 1 : 0;
    }
    if (response.kind !== 'text') {
      throw new UserError(`metric exact_match does not apply to ${response.kind} responses`, { field: 'metric_list' });
    }
    // lm-eval casts a non-string gold to the prediction's type: str(gold).
    const references = Array.isArray(target) ? target.map(String) : [String(target)];
    return exactMatchScore(predictionOf(input), references, parseOptions(input.kwargs));
  },
};

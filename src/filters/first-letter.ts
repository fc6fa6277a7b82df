import { UserError } from '../errors.ts';
import { booleanArg, checkArgNames, type Filter, type FilterArgs, stringArg, textOf } from './types.ts';

/**
 * The first-letter rule of generated multiple-choice answers (HELM's MMLU, read as "the first
 * answer letter in the output decides"): the first of `letters` that stands alone in the output,
 * i.e. is not part of a longer word. " B) because…" gives B, "The answer is (C)" gives C, and
 * "Answer: D" gives D rather than the "A" of "Answer". Output with no such letter gives `fallback`.
 *
 * Lower case counts only with `ignore_case: true` (then returned in upper case): HELM compares
 * the output exactly, and a lone "a" is far more often the English article than an answer.
 * Whatever comes after the first letter is ignored, so "A or B" is A: that is the rule, and part
 * of what makes it score differently from the letter-probability rule.
 */
export function firstLetterFilter(args: FilterArgs): Filter {
  const name = 'first_letter';
  checkArgNames(name, args, ['letters', 'ignore_case', 'fallback']);
  const letters = stringArg(name, args, 'letters', 'ABCD');
  if (!/^[A-Z]+$/.test(letters)) {
    throw new UserError(`letters must be upper-case A-Z, got ${JSON.stringify(letters)}`, { field: `filter ${name}` });
  }
  const ignoreCase = booleanArg(name, args, 'ignore_case');
  const fallback = stringArg(name, args, 'fallback', '[invalid]');
  // A letter with no letter or digit on either side (Unicode-aware, so "É" or "ß" also join words).
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])[${letters}](?![\\p{L}\\p{N}])`, ignoreCase ? 'iu' : 'u');
  return (responses) =>
    responses.map((response) => {
      const found = pattern.exec(textOf(name, response))?.[0];
      return found === undefined ? fallback : found.toUpperCase();
    });
}

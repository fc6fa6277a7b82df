import { UserError } from '../errors.ts';
import { compilePythonRegex, pythonFindall, pythonRemoveAll } from '../python/regex.ts';
import { pythonStrip } from '../python/whitespace.ts';
import { DEFAULT_REGEX_PATTERN } from './regex.ts';
import { booleanArg, checkArgNames, type Filter, type FilterArgs, integerArg, stringArg } from './types.ts';

/**
 * lm-eval's MultiChoiceRegexFilter (main; v0.4.9.2 raises IndexError where a match's groups are
 * all empty, main treats it as no match): the letter of a multiple-choice answer, found by
 *  1. `regex_pattern`;
 *  2. else the text of one of the doc's `choices` (after ignore_case, ignore_punctuation and
 *     regexes_to_ignore on both sides), turned into its letter "(A)", "(B)", …;
 *  3. else a bare letter after a colon (": B"), also turned into "(B)";
 *  4. else `fallback`.
 */
export function multiChoiceRegexFilter(args: FilterArgs): Filter {
  const name = 'multi_choice_regex';
  checkArgNames(name, args, [
    'regex_pattern',
    'group_select',
    'fallback',
    'ignore_case',
    'ignore_punctuation',
    'regexes_to_ignore',
  ]);
  const regex = compilePythonRegex(stringArg(name, args, 'regex_pattern', DEFAULT_REGEX_PATTERN), `filter ${name}`);
  const groupSelect = integerArg(name, args, 'group_select', 0);
  const fallback = stringArg(name, args, 'fallback', '[invalid]');
  const ignoreCase = booleanArg(name, args, 'ignore_case');
  const ignorePunctuation = booleanArg(name, args, 'ignore_punctuation');
  const ignored = args.regexes_to_ignore ?? [];
  if (!Array.isArray(ignored) || !ignored.every((p) => typeof p === 'string')) {
    throw new UserError('regexes_to_ignore must be a list of strings', { field: `filter ${name}` });
  }
  const regexesToIgnore = (ignored as string[]).map((p) => compilePythonRegex(p, `filter ${name}: regexes_to_ignore`));

  const normalise = (text: string): string => {
    for (const ignore of regexesToIgnore) text = pythonRemoveAll(ignore, text);
    if (ignoreCase) text = text.toLowerCase();
    // Every Unicode punctuation character (category P*), as lm-eval's translate table removes.
    if (ignorePunctuation) text = text.replace(/\p{P}/gu, '');
    return text;
  };

  /** findall, pick match group_select, first non-empty group, strip, then convert; '' when nothing usable. */
  const findMatch = (pattern: RegExp, text: string, convert: ReadonlyMap<string, string>): string => {
    // Past the last match lm-eval raises IndexError; as the regex filter does, we treat it as no match.
    const match = pythonFindall(pattern, text).at(groupSelect);
    if (match === undefined) return '';
    const chosen = typeof match === 'string' ? match : match.find((group) => group !== '');
    if (chosen === undefined) return '';
    const stripped = pythonStrip(chosen);
    return (stripped && convert.get(stripped)) || stripped;
  };

  return (responses, doc) => {
    const choices = (doc as { choices?: unknown }).choices;
    if (!Array.isArray(choices) || !choices.every((c) => typeof c === 'string')) {
      throw new UserError(`filter ${name} needs docs with a "choices" list of strings`, { field: 'filter_list' });
    }
    const choiceToLetter = new Map<string, string>();
    const letterToTarget = new Map<string, string>();
    const choicePatterns: string[] = [];
    const letters: string[] = [];
    (choices as string[]).forEach((choice, i) => {
      const letter = String.fromCharCode(65 + i);
      const normalised = normalise(pythonStrip(choice));
      choicePatterns.push(escapeRegExp(normalised));
      choiceToLetter.set(normalised, `(${letter})`);
      letters.push(letter);
      letterToTarget.set(letter, `(${letter})`);
    });
    const choiceRegex = new RegExp(choicePatterns.join('|'), 'u');
    const letterRegex = compilePythonRegex(`:[\\s]*(${letters.join('|')})`, `filter ${name}`);
    const none = new Map<string, string>();
    return responses.map((response) => {
      const text = typeof response === 'string' ? response : '';
      return (
        findMatch(regex, text, none) ||
        findMatch(choiceRegex, normalise(text), choiceToLetter) ||
        findMatch(letterRegex, text, letterToTarget) ||
        fallback
      );
    });
  };
}

/** A literal string as a `u`-mode pattern (Python's re.escape, for JavaScript). */
function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

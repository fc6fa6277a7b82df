import { compilePythonRegex, pythonFindall } from '../python/regex.ts';
import { pythonStrip } from '../python/whitespace.ts';
import { checkArgNames, type FilterArgs, type Filter, integerArg, stringArg } from './types.ts';

/** lm-eval's gsm8k "strict-match" answer line. */
export const DEFAULT_REGEX_PATTERN = String.raw`#### (\-?[0-9\.\,]+)`;

/**
 * lm-eval's RegexFilter: findall, pick match `group_select` (negative counts from the end, as a
 * Python index does); when the pattern has several groups, the first non-empty one wins. lm-eval
 * raises IndexError when group_select is past the last match; we return the fallback instead so
 * one odd response can't abort a whole run.
 */
export function regexFilter(args: FilterArgs): Filter {
  checkArgNames('regex', args, ['regex_pattern', 'group_select', 'fallback']);
  const pattern = stringArg('regex', args, 'regex_pattern', DEFAULT_REGEX_PATTERN);
  const groupSelect = integerArg('regex', args, 'group_select', 0);
  const fallback = stringArg('regex', args, 'fallback', '[invalid]');
  const regex = compilePythonRegex(pattern, 'filter regex: regex_pattern');

  const extract = (response: unknown): string => {
    // lm-eval reads a response that is not text as "".
    const matches = pythonFindall(regex, typeof response === 'string' ? response : '');
    const match = matches.at(groupSelect);
    if (match === undefined) return fallback;
    if (typeof match === 'string') return pythonStrip(match);
    const firstNonEmpty = match.find((group) => group !== '');
    return firstNonEmpty === undefined ? fallback : pythonStrip(firstNonEmpty);
  };
  return (responses) => responses.map(extract);
}

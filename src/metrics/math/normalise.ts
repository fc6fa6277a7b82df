/**
 * Minerva's answer normalisation (Lewkowycz et al. 2022, appendix D), as lm-eval's
 * `minerva_math` and `leaderboard_math_hard` apply it to both the model's and the gold answer
 * before comparing strings.
 */
import { pythonSub } from '../../python/regex.ts';
import { pythonIsdigit } from '../../python/str-methods.ts';

/** Literal replacements, in order (articles, `\$`, spaces, `\mbox`, "and" in lists, metres). */
const SUBSTITUTIONS: readonly (readonly [string, string])[] = [
  ['an ', ''],
  ['a ', ''],
  ['.$', '$'],
  ['\\$', ''],
  ['\\ ', ''],
  [' ', ''],
  ['mbox', 'text'],
  [',\\text{and}', ','],
  ['\\text{and}', ','],
  ['\\text{m}', '\\text{}'],
];

/** Units, filler words and spacing commands deleted wherever they occur, in order. */
const REMOVED_EXPRESSIONS: readonly string[] = [
  'square',
  'ways',
  'integers',
  'dollars',
  'mph',
  'inches',
  'ft',
  'hours',
  'km',
  'units',
  '\\ldots',
  'sue',
  'points',
  'feet',
  'minutes',
  'digits',
  'cents',
  'degrees',
  'cm',
  'gm',
  'pounds',
  'meters',
  'meals',
  'edges',
  'students',
  'childrentickets',
  'multiples',
  '\\text{s}',
  '\\text{.}',
  '\\text{\ns}',
  '\\text{}^2',
  '\\text{}^3',
  '\\text{\n}',
  '\\text{}',
  '\\mathrm{th}',
  '^\\circ',
  '^{\\circ}',
  '\\;',
  ',\\!',
  '{,}',
  '"',
  '\\dots',
];

/** Python-regex rewrites, in order: keep the first `$…$`, unwrap text/bold/overline/box, brace `\fracab` and `\sqrta`. */
const REWRITES: readonly (readonly [string, string])[] = [
  ['(.*?)(\\$)(.*?)(\\$)(.*)', '$\\3$'],
  ['(\\\\text\\{)(.*?)(\\})', '\\2'],
  ['(\\\\textbf\\{)(.*?)(\\})', '\\2'],
  ['(\\\\overline\\{)(.*?)(\\})', '\\2'],
  ['(\\\\boxed\\{)(.*)(\\})', '\\2'],
  ['(frac)([^{])(.)', 'frac{\\2}{\\3}'],
  ['(sqrt)([^{])', 'sqrt{\\2}'],
];

/**
 * lm-eval's `normalize_final_answer`, step for step. Its last step also joins a list of integers
 * (`3, 1` → `31`); `joinThousands: false` skips it, for comparing lists item by item.
 */
export function normalizeFinalAnswer(finalAnswer: string, o: { readonly joinThousands?: boolean } = {}): string {
  let s = finalAnswer.split('=').at(-1)!;
  for (const [before, after] of SUBSTITUTIONS) s = s.replaceAll(before, after);
  for (const expression of REMOVED_EXPRESSIONS) s = s.replaceAll(expression, '');
  for (const [pattern, replacement] of REWRITES) s = pythonSub(pattern, replacement, s);
  s = s.replaceAll('$', '');
  // 100,000 → 100000, only where the whole answer is digits and commas.
  if ((o.joinThousands ?? true) && pythonIsdigit(s.replaceAll(',', ''))) s = s.replaceAll(',', '');
  return s;
}

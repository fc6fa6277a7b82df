/**
 * Python's whitespace: the characters str.isspace() accepts, which str.split(), str.strip() and
 * the `re` module's Unicode `\s` use. JS's `\s` and trim() differ: they include U+FEFF and lack
 * U+001C–U+001F and U+0085, so lm-eval's text handling needs this set instead.
 */

/** The set as the body of a RegExp character class (for `u`-mode patterns). */
export const PYTHON_WHITESPACE_CLASS =
  '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const ONE_SPACE = new RegExp(`[${PYTHON_WHITESPACE_CLASS}]`, 'u');
const SPACE_RUN = new RegExp(`[${PYTHON_WHITESPACE_CLASS}]+`, 'u');

/** str.isspace() of one character. */
export function isPythonSpace(ch: string): boolean {
  return ONE_SPACE.test(ch);
}

export type StripSide = 'both' | 'left' | 'right';

/** str.strip() / lstrip() / rstrip() with no argument. */
export function pythonStrip(text: string, side: StripSide = 'both'): string {
  return stripCodePoints(text, isPythonSpace, side);
}

/** str.split() with no separator: runs of whitespace split, and no empty strings come back. */
export function pythonStrSplit(text: string): string[] {
  return text.split(SPACE_RUN).filter((part) => part.length > 0);
}

/** re.split(r"\s+", text): like str.split(), but a leading or trailing run gives an empty string. */
export function pythonReSplitWhitespace(text: string): string[] {
  return text.split(SPACE_RUN);
}

/**
 * Strips whole code points from the ends. Walks inwards by code point instead of splitting the
 * string into an array: prompts strip every doc's text, and the array made this the hottest
 * function of a dummy-backend run.
 */
export function stripCodePoints(text: string, strip: (ch: string) => boolean, side: StripSide): string {
  let start = 0;
  let end = text.length;
  if (side !== 'right') {
    while (start < end) {
      const ch = String.fromCodePoint(text.codePointAt(start)!);
      if (!strip(ch)) break;
      start += ch.length;
    }
  }
  if (side !== 'left') {
    while (end > start) {
      // A low surrogate preceded by a high one ends a two-unit code point.
      const low = text.charCodeAt(end - 1);
      const pair = low >= 0xdc00 && low <= 0xdfff && end - 2 >= start && isHighSurrogate(text.charCodeAt(end - 2));
      const ch = text.slice(pair ? end - 2 : end - 1, end);
      if (!strip(ch)) break;
      end -= ch.length;
    }
  }
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;

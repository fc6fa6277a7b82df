/**
 * Python str methods that lm-eval templates call and JS lacks or gets subtly different (JS's
 * trim() uses other whitespace and takes no characters; split() takes no maxsplit). Indices and
 * lengths are in code points, as Python counts them.
 */
import { isPythonSpace, pythonStrip, pythonStrSplit, type StripSide, stripCodePoints } from './whitespace.ts';

/** str.strip(chars) / lstrip(chars) / rstrip(chars); `null` chars strips whitespace. */
export function pythonStripChars(text: string, chars: string | null, side: StripSide): string {
  return chars === null ? pythonStrip(text, side) : stripCodePoints(text, (ch) => chars.includes(ch), side);
}

/** str.split(sep, maxsplit); `null` sep splits on whitespace runs, a negative maxsplit means no limit. */
export function pythonSplit(text: string, sep: string | null, maxsplit = -1): string[] {
  if (sep === null) return maxsplit < 0 ? pythonStrSplit(text) : whitespaceSplitAtMost(text, maxsplit);
  if (sep === '') throw new Error('empty separator');
  const parts = text.split(sep);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sep)];
}

function whitespaceSplitAtMost(text: string, maxsplit: number): string[] {
  const parts: string[] = [];
  let rest = pythonStrip(text, 'left');
  while (rest !== '') {
    if (parts.length >= maxsplit) {
      parts.push(rest);
      break;
    }
    const end = firstSpaceIndex(rest);
    if (end < 0) {
      parts.push(rest);
      break;
    }
    parts.push(rest.slice(0, end));
    rest = pythonStrip(rest.slice(end), 'left');
  }
  return parts;
}

function firstSpaceIndex(text: string): number {
  for (let i = 0; i < text.length; i++) if (isPythonSpace(text[i]!)) return i;
  return -1;
}

/** str.splitlines(): Python's line boundaries, and no empty string after a final one. */
export function pythonSplitlines(text: string): string[] {
  return text.split(LINE_BOUNDARY).filter((_, i, all) => i < all.length - 1 || all[i] !== '');
}

const LINE_BOUNDARY = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

/** str.find(sub): a code-point index, or -1. */
export function pythonFind(text: string, sub: string): number {
  const at = text.indexOf(sub);
  return at < 0 ? -1 : Array.from(text.slice(0, at)).length;
}

/** str.count(sub): non-overlapping occurrences; the empty string occurs len(text) + 1 times. */
export function pythonCount(text: string, sub: string): number {
  return sub === '' ? Array.from(text).length + 1 : text.split(sub).length - 1;
}

/** str.isdigit(), taken as decimal digits (\p{Nd}); CPython also accepts superscripts such as '²'. */
export function pythonIsdigit(text: string): boolean {
  return text !== '' && /^\p{Nd}+$/u.test(text);
}

/** str.isalpha(): letters (\p{L}) only, and not empty. */
export function pythonIsalpha(text: string): boolean {
  return text !== '' && /^\p{L}+$/u.test(text);
}

/** str.capitalize(): first code point upper-cased, the rest lower-cased. */
export function pythonCapitalize(text: string): string {
  const [first = '', ...rest] = Array.from(text);
  return first.toUpperCase() + rest.join('').toLowerCase();
}

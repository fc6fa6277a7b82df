import { fn, pyEquals, pyStr, type RuntimeValue } from './jinja.ts';

/**
 * Python str/list methods that lm-eval templates call and the JS port lacks or gets subtly
 * different (`.strip()` uses JS whitespace and ignores its argument; lists have no `.index()`).
 * Indices are in code points, as Python counts them.
 */
const PY_SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

export function pythonSpaceStrip(s: string, mode: 'both' | 'left' | 'right' = 'both'): string {
  return stripChars(s, (ch) => PY_SPACE.test(ch), mode);
}

/**
 * Strips whole code points from the ends. Walks inwards by code point instead of splitting the
 * string into an array: prompts strip every doc's text, and the array made this the hottest
 * function of a dummy-backend run.
 */
function stripChars(s: string, strip: (ch: string) => boolean, mode: 'both' | 'left' | 'right'): string {
  let start = 0;
  let end = s.length;
  if (mode !== 'right') {
    while (start < end) {
      const ch = String.fromCodePoint(s.codePointAt(start)!);
      if (!strip(ch)) break;
      start += ch.length;
    }
  }
  if (mode !== 'left') {
    while (end > start) {
      // A low surrogate preceded by a high one ends a two-unit code point.
      const low = s.charCodeAt(end - 1);
      const pair = low >= 0xdc00 && low <= 0xdfff && end - 2 >= start && isHighSurrogate(s.charCodeAt(end - 2));
      const ch = s.slice(pair ? end - 2 : end - 1, end);
      if (!strip(ch)) break;
      end -= ch.length;
    }
  }
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;

function pythonSplit(s: string, sep: string | null, maxsplit: number): string[] {
  if (sep === null) {
    const parts: string[] = [];
    let rest = pythonSpaceStrip(s, 'left');
    while (rest !== '') {
      if (maxsplit >= 0 && parts.length >= maxsplit) {
        parts.push(rest);
        break;
      }
      const m = new RegExp(PY_SPACE.source).exec(rest);
      if (!m) {
        parts.push(rest);
        break;
      }
      parts.push(rest.slice(0, m.index));
      rest = pythonSpaceStrip(rest.slice(m.index), 'left');
    }
    return parts;
  }
  if (sep === '') throw new Error('empty separator');
  const parts = s.split(sep);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sep)];
}

const codePointIndex = (s: string, utf16Index: number) => Array.from(s.slice(0, utf16Index)).length;
const optionalString = (v: RuntimeValue | undefined) => (v === undefined || v.type === 'NullValue' ? null : pyStr(v));

function stringMethod(s: string, name: string): RuntimeValue | undefined {
  const strip = (mode: 'both' | 'left' | 'right') =>
    fn(([chars]) => {
      const set = optionalString(chars);
      return set === null ? pythonSpaceStrip(s, mode) : stripChars(s, (ch) => set.includes(ch), mode);
    });
  switch (name) {
    case 'strip':
      return strip('both');
    case 'lstrip':
      return strip('left');
    case 'rstrip':
      return strip('right');
    case 'split':
      return fn(([sep, maxsplit]) => pythonSplit(s, optionalString(sep), maxsplit ? Number(maxsplit.value) : -1));
    case 'splitlines':
      return fn(() =>
        s.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/).filter((_, i, all) => i < all.length - 1 || all[i] !== ''),
      );
    case 'join':
      return fn(([items]) =>
        (items?.type === 'StringValue'
          ? Array.from(items.value as string)
          : ((items?.value ?? []) as RuntimeValue[]).map(pyStr)
        ).join(s),
      );
    case 'find':
    case 'index':
      return fn(([sub]) => {
        const at = s.indexOf(pyStr(sub!));
        if (at < 0 && name === 'index') throw new Error('ValueError: substring not found');
        return at < 0 ? -1 : codePointIndex(s, at);
      });
    case 'count':
      return fn(([sub]) => {
        const needle = pyStr(sub!);
        return needle === '' ? Array.from(s).length + 1 : s.split(needle).length - 1;
      });
    case 'isdigit':
      return fn(() => s !== '' && /^\p{Nd}+$/u.test(s));
    case 'isalpha':
      return fn(() => s !== '' && /^\p{L}+$/u.test(s));
    case 'capitalize':
      return fn(() => {
        const [first = '', ...rest] = Array.from(s);
        return first.toUpperCase() + rest.join('').toLowerCase();
      });
    default:
      return undefined;
  }
}

function listMethod(items: readonly RuntimeValue[], name: string): RuntimeValue | undefined {
  switch (name) {
    case 'index':
      return fn(([x]) => {
        const at = items.findIndex((item) => pyEquals(item, x!));
        if (at < 0) throw new Error(`ValueError: ${pyStr(x!)} is not in list`);
        return at;
      });
    case 'count':
      return fn(([x]) => items.filter((item) => pyEquals(item, x!)).length);
    default:
      return undefined;
  }
}

/** A Python method of a string or list value, or undefined to fall back to the port's builtins. */
export function addPythonMethods(object: RuntimeValue, name: string): RuntimeValue | undefined {
  if (object.type === 'StringValue') return stringMethod(object.value as string, name);
  if (object.type === 'ArrayValue' || object.type === 'TupleValue')
    return listMethod(object.value as RuntimeValue[], name);
  return undefined;
}

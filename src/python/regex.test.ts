import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { compilePythonRegex, pythonFindall, pythonRemoveAll, pythonSub } from './regex.ts';

/**
 * CPython 3.11's `re` is the spec. cpython/regex-oracle.py wrote, for every pattern × text,
 * [re.findall(p, t), re.sub(p, "", t)], and re.sub(p, repl, t, count=n) for the `subs` cases.
 */
const oracle = JSON.parse(readFileSync(new URL('./cpython/regex-oracle.json', import.meta.url), 'utf8')) as {
  texts: string[];
  patterns: string[];
  findall_and_remove: [unknown[], string][][];
  subs: [string, string, string, number, string][];
};

describe('Python regex translation agrees with CPython re.findall and re.sub', () => {
  it('pins a few values by hand', () => {
    // CPython 3.11: re.findall(r'\d+', 'a ٣ b 42') == ['٣', '42'] (\d is Unicode Nd)
    expect(pythonFindall(compilePythonRegex(String.raw`\d+`), 'a ٣ b 42')).toEqual(['٣', '42']);
    // CPython 3.11: re.findall(r'x$', 'x\n') == ['x'] ($ also matches before a final newline)
    expect(pythonFindall(compilePythonRegex('x$'), 'x\n')).toEqual(['x']);
    // CPython 3.11: re.sub(r'\s+', '', '\x1c a\x85') == 'a'
    expect(pythonRemoveAll(compilePythonRegex(String.raw`\s+`), '\x1c a\x85')).toBe('a');
  });

  oracle.patterns.forEach((pattern, p) => {
    it(pattern, () => {
      const regex = compilePythonRegex(pattern);
      oracle.texts.forEach((text, t) => {
        const [findall, sub] = oracle.findall_and_remove[p]![t]!;
        expect(pythonFindall(regex, text), JSON.stringify(text)).toEqual(findall);
        expect(pythonRemoveAll(regex, text), JSON.stringify(text)).toBe(sub);
      });
    });
  });

  it.each(oracle.subs)('re.sub(%j, %j, %j, count=%j)', (pattern, repl, text, count, expected) => {
    expect(pythonSub(pattern, repl, text, count)).toBe(expected);
  });

  it('re.sub cases pinned by hand', () => {
    // CPython 3.11: re.sub(r'(\d+)', r'<\1>', 'a 12 b 3') == 'a <12> b <3>'
    expect(pythonSub(String.raw`(\d+)`, String.raw`<\1>`, 'a 12 b 3')).toBe('a <12> b <3>');
    // CPython 3.11: re.sub(r'(?P<n>[0-9]+)', r'[\g<n>]', 'x1y22', count=1) == 'x[1]y22'
    expect(pythonSub('(?P<n>[0-9]+)', String.raw`[\g<n>]`, 'x1y22', 1)).toBe('x[1]y22');
    // CPython 3.11: re.sub(r'\bé', 'E', 'café é') == 'café E' (\b is Unicode-aware)
    expect(pythonSub(String.raw`\bé`, 'E', 'café é')).toBe('café E');
  });
});

describe('untranslatable patterns are user errors naming the pattern', () => {
  // CPython 3.11 raises re.error for 'a(?i)b', '\q', '(?<name>x)' and '[abc'; it accepts '(?i:ab)' (scoped flags),
  // 'a*+' and '(?>ab)' (possessive and atomic, new in 3.11), which have no faithful JS form.
  it.each([
    ['a(?i)b', /only supported at the start/],
    ['(?i:ab)', /only supported at the start/],
    ['a*+', /possessive/],
    ['(?>ab)', /not supported/],
    [String.raw`\q`, /bad escape/],
    ['(?<name>x)', /not supported/],
    ['[abc', /unterminated/],
  ])('%s', (pattern, message) => {
    expect(() => compilePythonRegex(pattern, 'regex_pattern')).toThrow(UserError);
    expect(() => compilePythonRegex(pattern)).toThrow(message);
    try {
      compilePythonRegex(pattern);
    } catch (e) {
      expect((e as UserError).message).toContain(JSON.stringify(pattern));
    }
  });
});

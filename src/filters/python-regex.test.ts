import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { compilePythonRegex, pythonFindall, pythonLstrip, pythonRemoveAll, pythonStrip } from './python-regex.ts';

const hasPython = spawnSync('python3', ['--version']).status === 0;
if (!hasPython) console.warn('python-regex oracle tests skipped: python3 is not on PATH (it is the oracle)');

const TEXTS = [
  'The answer is 42.\n#### 42',
  '#### -1,234.5 and #### 7',
  'First $1,000.50 then 3 apples, total 12\n',
  'line one\nline two\n',
  'ΣΊΣΥΦΟΣ ate ٣ apples_and 4 pears\u00a0today\u2003ok',
  'naïve café, {braces} [brackets] a{2} x?',
  'ABC abc AbC\tabc\r\n',
  'carriage\rreturn\r\nline\u2028sep 0x1F 017',
  '',
];

const PATTERNS = [
  String.raw`#### (\-?[0-9\.\,]+)`,
  '(-?[$0-9.,]{2,})|(-?[0-9]+)',
  String.raw`The answer is (\-?[0-9\.\,]+).`,
  String.raw`\d+`,
  String.raw`\w+`,
  String.raw`\b\w`,
  String.raw`\s+`,
  String.raw`[^\s\w]`,
  String.raw`[\W\d]`,
  '(?i)abc',
  String.raw`(?im)^\w+$`,
  String.raw`\w+$`,
  String.raw`two\n\Z`,
  '(?s)one.line',
  'one.line',
  '(?P<word>[a-z]+) (?P=word)',
  String.raw`{braces}|a{2}|x{,1}\?`,
  String.raw`(?a)\w+`,
  String.raw`(?x) \d + # digits`,
  String.raw`[]a]|\]`,
  String.raw`(a)|(b)|(\d)`,
  String.raw`\101\x42\u0043`,
  String.raw`(?<=is )\d+(?=\.)`,
  String.raw`[\-,\.]`,
  'x*',
  String.raw`(?m)^\w+`,
  'a.c|e.r',
  String.raw`\D+`,
  String.raw`[^\d\s]+`,
  String.raw`(?i)σ\w*`,
  String.raw`\bline\b|\Bin\B`,
  String.raw`0x[0-9A-F]{2}|\0|\017`,
  String.raw`[\w.-]+@?`,
];

describe.skipIf(!hasPython)('Python regex translation agrees with CPython re.findall and re.sub', () => {
  const expected = JSON.parse(
    execFileSync(
      'python3',
      [
        '-c',
        `import json, re, sys
patterns, texts = json.load(sys.stdin)
print(json.dumps([[[re.findall(p, t), re.sub(p, "", t)] for t in texts] for p in patterns]))`,
      ],
      { input: JSON.stringify([PATTERNS, TEXTS]), encoding: 'utf8' },
    ),
  ) as [unknown[], string][][];

  PATTERNS.forEach((pattern, p) => {
    it(pattern, () => {
      const regex = compilePythonRegex(pattern);
      TEXTS.forEach((text, t) => {
        const [findall, sub] = expected[p]![t]!;
        expect(pythonFindall(regex, text), JSON.stringify(text)).toEqual(findall);
        expect(pythonRemoveAll(regex, text), JSON.stringify(text)).toBe(sub);
      });
    });
  });

  it('strip and lstrip use Python whitespace (\\x1c-\\x1f and \\x85 yes, \\ufeff no)', () => {
    const text = '\x1c\x85\u3000 x \ufeff\t';
    expect(pythonLstrip(text)).toBe('x \ufeff\t');
    expect(pythonStrip(text)).toBe('x \ufeff');
  });
});

describe('untranslatable patterns are user errors naming the pattern', () => {
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

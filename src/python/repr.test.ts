import { describe, expect, it } from 'vitest';
import { pythonFloatRepr, pythonRepr, pythonStr, pythonStringRepr } from './repr.ts';

describe('repr() and str() of Python values', () => {
  it.each([
    // [value, CPython 3.11 repr(value)]
    [0.1 + 0.2, '0.30000000000000004'],
    [1e16, '1e+16'],
    [1e15, '1000000000000000.0'],
    [1.2345678901234568e17, '1.2345678901234568e+17'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [-0, '-0.0'],
    [1.5e300, '1.5e+300'],
    [2.5, '2.5'],
    [Number.POSITIVE_INFINITY, 'inf'],
    [Number.NaN, 'nan'],
  ])('float repr of %d is %s', (value, expected) => {
    expect(pythonFloatRepr(value)).toBe(expected);
  });

  it('quotes strings as CPython does', () => {
    // CPython 3.11: repr(["it's", 'say "hi"', 'both \' "', 'back\\slash\n', '\t\r'])
    //   == '["it\'s", \'say "hi"\', \'both \\\' "\', \'back\\\\slash\\n\', \'\\t\\r\']'
    expect(pythonRepr(["it's", 'say "hi"', 'both \' "', 'back\\slash\n', '\t\r'])).toBe(
      `["it's", 'say "hi"', 'both \\' "', 'back\\\\slash\\n', '\\t\\r']`,
    );
    // CPython 3.11: repr('\x00\x7f\x85\xa0\u200b\u2028') == "'\\x00\\x7f\\x85\\xa0\\u200b\\u2028'"
    expect(pythonStringRepr('\x00\x7f\x85\xa0\u200b\u2028')).toBe("'\\x00\\x7f\\x85\\xa0\\u200b\\u2028'");
    // CPython 3.11: repr('\U0001F600é') == "'\U0001F600é'" (printable characters stay as they are)
    expect(pythonStringRepr('\u{1F600}é')).toBe("'\u{1F600}é'");
  });

  it('prints containers, bools and None', () => {
    // CPython 3.11: repr({'k': [1, 2.5, True, None]}) == "{'k': [1, 2.5, True, None]}"
    // (an integral JS number prints as an int: JSON docs do not say whether 2.0 was a float)
    expect(pythonRepr({ k: [1, 2.5, true, null] })).toBe("{'k': [1, 2.5, True, None]}");
    // CPython 3.11: repr(2**70) == '1180591620717411303424'
    expect(pythonRepr(2n ** 70n)).toBe('1180591620717411303424');
  });

  it('str() prints strings bare and everything else as repr', () => {
    // CPython 3.11: str('x') == 'x', str(None) == 'None', str([1, 'a']) == "[1, 'a']"
    expect(pythonStr('x')).toBe('x');
    expect(pythonStr(null)).toBe('None');
    expect(pythonStr([1, 'a'])).toBe("[1, 'a']");
  });
});

import { describe, expect, it } from 'vitest';
import {
  pythonCapitalize,
  pythonCount,
  pythonFind,
  pythonIsalpha,
  pythonIsdigit,
  pythonSplit,
  pythonSplitlines,
  pythonStripChars,
} from './str-methods.ts';

describe('Python str methods', () => {
  it('strip(chars) strips any of the characters, by code point', () => {
    // CPython 3.11: 'xyhi thereyx'.strip('xy') == 'hi there'
    expect(pythonStripChars('xyhi thereyx', 'xy', 'both')).toBe('hi there');
    // CPython 3.11: 'xyhi'.lstrip('yx') == 'hi'
    expect(pythonStripChars('xyhi', 'yx', 'left')).toBe('hi');
    // CPython 3.11: 'hi\U0001F600\U0001F600'.rstrip('\U0001F600') == 'hi'
    expect(pythonStripChars('hi\u{1F600}\u{1F600}', '\u{1F600}', 'right')).toBe('hi');
    // CPython 3.11: ' q\x85 '.strip(None) == 'q'
    expect(pythonStripChars(' q\x85 ', null, 'both')).toBe('q');
  });

  it('split(sep, maxsplit)', () => {
    // CPython 3.11: 'a b  c d'.split(None, 1) == ['a', 'b  c d']
    expect(pythonSplit('a b  c d', null, 1)).toEqual(['a', 'b  c d']);
    // CPython 3.11: '  a b  '.split(None, 0) == ['a b  ']
    expect(pythonSplit('  a b  ', null, 0)).toEqual(['a b  ']);
    // CPython 3.11: ' a  b\x1c'.split() == ['a', 'b']
    expect(pythonSplit(' a  b\x1c', null)).toEqual(['a', 'b']);
    // CPython 3.11: 'a,b,,c'.split(',', 2) == ['a', 'b', ',c']
    expect(pythonSplit('a,b,,c', ',', 2)).toEqual(['a', 'b', ',c']);
    // CPython 3.11: 'a  b'.split(' ') == ['a', '', 'b']
    expect(pythonSplit('a  b', ' ')).toEqual(['a', '', 'b']);
    // CPython 3.11: 'a'.split('') raises ValueError('empty separator')
    expect(() => pythonSplit('a', '')).toThrow('empty separator');
  });

  it("splitlines() breaks at Python's line boundaries", () => {
    // CPython 3.11: 'a\nb\r\nc\rd\x0be\x0cf\x1cg\x1dh\x1ei\x85j\u2028k\u2029l\n'.splitlines()
    //   == ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l']
    expect(pythonSplitlines('a\nb\r\nc\rd\ve\ff\x1cg\x1dh\x1ei\x85j\u2028k\u2029l\n')).toEqual([...'abcdefghijkl']);
    // CPython 3.11: ''.splitlines() == [] and 'a\n\n'.splitlines() == ['a', '']
    expect(pythonSplitlines('')).toEqual([]);
    expect(pythonSplitlines('a\n\n')).toEqual(['a', '']);
    // CPython 3.11: 'a\x1fb'.splitlines() == ['a\x1fb'] (unit separator is whitespace, not a line break)
    expect(pythonSplitlines('a\x1fb')).toEqual(['a\x1fb']);
  });

  it('find and count count code points', () => {
    // CPython 3.11: 'h\U0001F600llo'.find('llo') == 2 and 'abc'.find('z') == -1
    expect(pythonFind('h\u{1F600}llo', 'llo')).toBe(2);
    expect(pythonFind('abc', 'z')).toBe(-1);
    // CPython 3.11: 'aaaa'.count('aa') == 2 and 'h\U0001F600'.count('') == 3
    expect(pythonCount('aaaa', 'aa')).toBe(2);
    expect(pythonCount('h\u{1F600}', '')).toBe(3);
  });

  it('isdigit, isalpha and capitalize', () => {
    // CPython 3.11: '٣4'.isdigit() == True, ''.isdigit() == False
    expect(pythonIsdigit('٣4')).toBe(true);
    expect(pythonIsdigit('')).toBe(false);
    // CPython 3.11: 'é'.isalpha() == True, 'a1'.isalpha() == False, ''.isalpha() == False
    expect(pythonIsalpha('é')).toBe(true);
    expect(pythonIsalpha('a1')).toBe(false);
    expect(pythonIsalpha('')).toBe(false);
    // CPython 3.11: 'hELLO wORLD'.capitalize() == 'Hello world' and ''.capitalize() == ''
    expect(pythonCapitalize('hELLO wORLD')).toBe('Hello world');
    expect(pythonCapitalize('')).toBe('');
  });
});

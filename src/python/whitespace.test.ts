import { describe, expect, it } from 'vitest';
import { isPythonSpace, pythonReSplitWhitespace, pythonStrip, pythonStrSplit } from './whitespace.ts';

describe('Python whitespace', () => {
  it('is exactly the set str.isspace() accepts', () => {
    // CPython 3.11: [hex(c) for c in range(0x110000) if chr(c).isspace()]
    const cpython = [
      0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
      0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
    ];
    const ours: number[] = [];
    for (let cp = 0; cp < 0x110000; cp++) if (isPythonSpace(String.fromCodePoint(cp))) ours.push(cp);
    expect(ours).toEqual(cpython);
  });

  it('strip, lstrip and rstrip use it (\\x1c-\\x1f and \\x85 yes, \\ufeff no)', () => {
    const text = '\x1c\x85\u3000 x \ufeff\t';
    // CPython 3.11: '\x1c\x85\u3000 x \ufeff\t'.lstrip() == 'x \ufeff\t'
    expect(pythonStrip(text, 'left')).toBe('x \ufeff\t');
    // CPython 3.11: '\x1c\x85\u3000 x \ufeff\t'.strip() == 'x \ufeff'
    expect(pythonStrip(text)).toBe('x \ufeff');
    // CPython 3.11: '\x1c\x85\u3000 x \ufeff\t'.rstrip() == '\x1c\x85\u3000 x \ufeff'
    expect(pythonStrip(text, 'right')).toBe('\x1c\x85\u3000 x \ufeff');
    // CPython 3.11: ' \U0001F600 '.strip() == '\U0001F600'
    expect(pythonStrip(' \u{1F600} ')).toBe('\u{1F600}');
  });

  it('str.split() drops empty parts; re.split(r"\\s+") keeps the ones at the ends', () => {
    // CPython 3.11: ' a  b\x1c'.split() == ['a', 'b']
    expect(pythonStrSplit(' a  b\x1c')).toEqual(['a', 'b']);
    // CPython 3.11: 'a\u2028b\x85c'.split() == ['a', 'b', 'c']
    expect(pythonStrSplit('a\u2028b\x85c')).toEqual(['a', 'b', 'c']);
    // CPython 3.11: re.split(r'\s+', ' a  b\x1c') == ['', 'a', 'b', '']
    expect(pythonReSplitWhitespace(' a  b\x1c')).toEqual(['', 'a', 'b', '']);
  });
});

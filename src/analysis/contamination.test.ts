import { describe, expect, it } from 'vitest';
import { NgramScanner, normalizedWords } from './contamination.ts';

function keys(n: number, chunks: readonly string[]): number[] {
  const scanner = new NgramScanner(n);
  const out: number[] = [];
  const collect = (key: number): void => {
    out.push(key);
  };
  for (const chunk of chunks) scanner.feed(chunk, collect);
  scanner.finish(collect);
  return out;
}

describe('NgramScanner', () => {
  const text =
    "   ,, I'm a very !dirty,, ,,  dirty boy. Clean me daddy. \n\nhe he he hehe heh.  lastword  " +
    'Ünïcode\u00a0words\u2003split — on\u3000Python’s whitespace\u001ftoo; ÉCLAIR stays upper-case.';

  it('yields the n-grams of the janitor-normalised words, whatever the chunking', () => {
    const words = normalizedWords(text);
    expect(words).toContain('words');
    expect(words).toContain('Éclair');
    for (const n of [1, 3, 13]) {
      const expected = keys(n, [words.join(' ')]);
      expect(expected).toHaveLength(Math.max(0, words.length - n + 1));
      expect(keys(n, [text])).toEqual(expected);
      // Cut mid-word and mid-whitespace: a word split across chunks is still one word.
      for (const cut of [1, 7, 30, 61]) expect(keys(n, [text.slice(0, cut), text.slice(cut)])).toEqual(expected);
    }
  });

  it('gives different n-grams different keys and equal ones equal keys', () => {
    const [a, b, c] = [keys(3, ['one two three']), keys(3, ['one two four']), keys(3, ['ONE, two; three!'])];
    expect(a).toHaveLength(1);
    expect(a[0]).not.toBe(b[0]);
    expect(c).toEqual(a);
    const many = new Set(keys(4, [Array.from({ length: 20_000 }, (_, i) => `w${i}`).join(' ')]));
    expect(many.size).toBe(20_000 - 3);
  });
});

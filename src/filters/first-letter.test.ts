import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { applyFilterPipeline } from './index.ts';

const doc = {};
const firstLetter = (outputs: string[], args: Record<string, unknown> = {}) =>
  applyFilterPipeline([{ function: 'first_letter', args }, { function: 'take_first' }], outputs, doc);

describe('first_letter: the first answer letter standing alone decides', () => {
  it.each([
    [' B) because the others are wrong', 'B'],
    ['B', 'B'],
    ['The answer is (C)', 'C'],
    ['Answer: D', 'D'],
    ['(A)', 'A'],
    ['D.', 'D'],
    ['**C**', 'C'],
    // The first letter wins even when the model goes on to change its mind.
    ['A or B', 'A'],
    ['Between C and D, D', 'C'],
    // Capitalised words are not letters: "Because", "Dogs", "Cats", "ABC".
    ['Because Dogs and Cats: ABC', '[invalid]'],
    // E is not an answer letter of a four-choice question.
    ['E', '[invalid]'],
    ['\n', '[invalid]'],
    ['', '[invalid]'],
    ['42', '[invalid]'],
  ])('%j → %s', (output, letter) => {
    expect(firstLetter([output])).toEqual([letter]);
  });

  it('ignores lower case unless asked, and then answers in upper case', () => {
    expect(firstLetter(['b) because'])).toEqual(['[invalid]']);
    expect(firstLetter(['b) because'], { ignore_case: true })).toEqual(['B']);
    // The article "a" is a lone letter too: that is why lower case is off by default.
    expect(firstLetter(['a cat, so C'], { ignore_case: true })).toEqual(['A']);
    expect(firstLetter(['a cat, so C'])).toEqual(['C']);
  });

  it('letters next to non-Latin letters or digits are part of a word', () => {
    expect(firstLetter(['Bé or B2, then C'])).toEqual(['C']);
    expect(firstLetter(['«B»'])).toEqual(['B']);
  });

  it('takes other letter sets and fallbacks, and refuses bad arguments', () => {
    expect(firstLetter(['E) none of these'], { letters: 'ABCDE' })).toEqual(['E']);
    expect(firstLetter(['none'], { fallback: 'X' })).toEqual(['X']);
    expect(() => firstLetter(['A'], { letters: 'ab' })).toThrow(UserError);
    expect(() => firstLetter(['A'], { letter: 'AB' })).toThrow(/unknown argument "letter"/);
  });
});

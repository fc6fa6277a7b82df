import { describe, expect, it } from 'vitest';
import { rougeScores, rougeTokens } from './rouge.ts';

// Expected values: worked by hand where noted, and all checked against an independent Python
// reimplementation of rouge_score's RougeScorer(["rouge1", "rouge2", "rougeLsum"]) (kept out of
// the repo). Inputs go through lm-eval's " . " → ".\n" step, as its `rouge` helper does.
const prepare = (s: string) => s.replaceAll(' . ', '.\n');
const scores = (target: string, prediction: string) => {
  const r = rougeScores(prepare(target), prepare(prediction));
  return [r.rouge1 * 100, r.rouge2 * 100, r.rougeLsum * 100];
};

describe('rougeTokens', () => {
  it('lowercases and keeps only [a-z0-9] runs', () => {
    expect(rougeTokens("Hello, World! It's 3.50 — café ÀB x_y")).toEqual([
      'hello',
      'world',
      'it',
      's',
      '3',
      '50',
      'caf',
      'b',
      'x',
      'y',
    ]);
    expect(rougeTokens('Привет мир')).toEqual([]);
  });
});

describe('rougeScores', () => {
  const cases: [string, string, number[]][] = [
    // By hand: 5 of 6 unigrams, 3 of 5 bigrams, LCS "the cat on the mat".
    ['The cat sat on the mat.', 'The cat is on the mat.', [83.33333333333334, 60, 83.33333333333334]],
    ['I have no comment.', 'I have no comment', [100, 100, 100]],
    [
      'police killed the gunman . the gunman was shot',
      'the gunman police killed . police shot the gunman',
      [87.5, 42.857142857142854, 75],
    ],
    ['a b c d . e f g', 'a c e . b d f g . a', [93.33333333333333, 15.384615384615383, 93.33333333333333]],
    [
      'Nothing happens if you eat watermelon seeds.',
      'Once upon a time, there was a little girl who ate seeds.',
      [10.526315789473685, 0, 10.526315789473685],
    ],
    // Non-Latin text has no tokens at all under rouge_score's tokenizer.
    ['Привет мир', 'Привет мир', [0, 0, 0]],
    // The ROUGE paper's summary-level example: union LCS w1 w2 w3 w5, R = 4/5, P = 4/10.
    ['w1 w2 w3 w4 w5', 'w1 w2 w6 w7 w8 . w1 w3 w8 w9 w5', [53.333333333333336, 15.384615384615383, 53.333333333333336]],
  ];
  it.each(cases)('%j vs %j', (target, prediction, expected) => {
    const got = scores(target, prediction);
    expected.forEach((value, i) => {
      expect(got[i]).toBeCloseTo(value, 10);
    });
  });
});

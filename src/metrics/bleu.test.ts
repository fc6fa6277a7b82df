import { describe, expect, it } from 'vitest';
import { sentenceBleu, tokenizeIntl } from './bleu.ts';

// Expected values: worked by hand where noted, and all checked against an independent Python
// reimplementation of sacrebleu's corpus_bleu(tokenize="intl", smooth_method="exp") (kept out of
// the repo). Math.exp/log may differ from CPython's libm in the last bit, hence toBeCloseTo.
describe('tokenizeIntl', () => {
  it('splits punctuation off words but not between digits, and isolates symbols', () => {
    expect(tokenizeIntl('Hello, world! It costs $3.50 (or 1,000 yen).')).toBe(
      'Hello , world ! It costs $ 3.50 ( or 1,000 yen ) .',
    );
    expect(tokenizeIntl('The year 1998. Then «quotes» — dashes & symbols: 5+3=8 ©')).toBe(
      'The year 1998 . Then « quotes » — dashes & symbols : 5 + 3 = 8 ©',
    );
    expect(tokenizeIntl('Привет, мир!  Это тест…\tok')).toBe('Привет , мир ! Это тест … ok');
  });
});

describe('sentenceBleu', () => {
  const cases: [string, string, number][] = [
    ['The cat sat on the mat.', 'The cat sat on the mat.', 100],
    // By hand: precisions 6/7, 4/6, 2/5, 1/4 → (48/840)^(1/4).
    ['The cat is on the mat.', 'The cat sat on the mat.', 48.892302243490086],
    // By hand: 1/7, then exp smoothing 1/(2·6), 1/(4·5), 1/(8·4); case matters ("The" ≠ "the").
    ['the the the the the the the', 'The cat is on the mat.', 6.567274736060395],
    [
      'Nothing happens if you eat watermelon seeds.',
      'The watermelon seeds pass through your digestive system.',
      10.786826322527466,
    ],
    // By hand: all precisions 1, brevity penalty exp(1 - 5/4).
    ['I have no comment', 'I have no comment.', 77.88007830714052],
    // One token: no bigrams, so BLEU is 0 (sacrebleu without effective order).
    ['cat', 'cat', 0],
    ['', 'I have no comment.', 0],
    ['a b c d e f g h', 'a b x d e y g h', 19.130147081392227],
    ['It costs 1,000 dollars, roughly.', 'It costs about 1,000 dollars.', 19.64073254502566],
    ['Once upon a time there was a little girl named Lily. She liked to play.', 'Nothing happens.', 2.2869567780619007],
  ];
  it.each(cases)('%j vs %j', (hypothesis, reference, expected) => {
    expect(sentenceBleu(hypothesis, reference)).toBeCloseTo(expected, 10);
  });

  it('ignores trailing whitespace as sacrebleu does (rstrip)', () => {
    expect(sentenceBleu('The cat is on the mat. \n', 'The cat sat on the mat.\t')).toBeCloseTo(48.892302243490086, 10);
  });
});

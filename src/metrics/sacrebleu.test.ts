import { describe, expect, it } from 'vitest';
import { tokenizeIntl } from './bleu.ts';
import { aggregations, metricFor, type SampleValue, stderrFor } from './index.ts';
import { corpusBleu, corpusChrf, tokenize13a } from './sacrebleu.ts';

// Expected values come from sacrebleu's own test suite (github.com/mjpost/sacrebleu, test/test_bleu.py
// and test/test_chrf.py; sacrebleu asserts them within 1e-8 and 1e-4) or are worked by hand.

// test_bleu.py's README example: two reference streams, one reference of each per hypothesis.
const REF_STREAMS = [
  ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
  ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
];
const HYPS = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
/** sacrebleu takes reference streams; ours are the references of each hypothesis. */
const refsPerHyp = (streams: string[][]) => streams[0]!.map((_, i) => streams.map((stream) => stream[i]!));

describe('tokenize13a', () => {
  it('splits punctuation and symbols, keeps periods and commas between digits, unescapes entities', () => {
    // The apostrophe (0x27) is outside 13a's symbol ranges: "wasn't" stays one token.
    expect(tokenize13a("It wasn't surprising.")).toBe("It wasn't surprising .");
    expect(tokenize13a('It costs $3.50, or 1,000 yen (about 9-10 euros).')).toBe(
      'It costs $ 3.50 , or 1,000 yen ( about 9 - 10 euros ) .',
    );
    expect(tokenize13a('a &quot;b&quot; &amp; c&lt;d<skipped> e-\nf\ng')).toBe('a " b " & c < d ef g');
  });
});

describe('corpusBleu (sacrebleu corpus_bleu defaults: 13a, exp smoothing)', () => {
  it("matches sacrebleu's test_corpus_bleu vectors", () => {
    const refs = refsPerHyp(REF_STREAMS);
    expect(corpusBleu(HYPS, refs)).toBeCloseTo(48.530827, 6);
    expect(corpusBleu(HYPS, refs, tokenizeIntl)).toBeCloseTo(43.91623493, 6);
    // Empty hypotheses are kept, not dropped.
    expect(corpusBleu(['', '', ''], refs)).toBe(0);
  });

  it('by hand: test_case_statistics counts [4,2,1,0] / [6,5,4,3] with exp smoothing', () => {
    // Precisions 4/6, 2/5, 1/4 and (no 4-gram match) 1/(2·3); brevity penalty exp(1 − 8/6)
    // (6 hypothesis tokens, 8 reference tokens).
    const expected = Math.exp(1 - 8 / 6) * ((400 / 6) * 40 * 25 * (100 / 6)) ** 0.25;
    expect(corpusBleu(['am I am a character sequence'], [['I am a symbol string sequence a a']])).toBeCloseTo(
      expected,
      10,
    );
    expect(expected).toBeCloseTo(23.263472697663286, 10);
  });
});

describe('corpusChrf (sacrebleu corpus_chrf defaults: 6 character orders, no word orders, beta 2)', () => {
  it("matches sacrebleu's test_chrf_eff_order vectors (beta 3, no eps smoothing)", () => {
    const cases: [string[], string[], number][] = [
      [['a'], ['a'], 100],
      [[''], ['reference'], 0],
      [['a b c'], ['a b c'], 100],
      [['a b c'], ['abc'], 100],
      [[''], ['c'], 0],
      [['a', 'b'], ['a', 'c'], 50],
      [['aa'], ['ab'], 25],
    ];
    for (const [hyps, refs, expected] of cases) {
      expect(
        corpusChrf(
          hyps,
          refs.map((r) => [r]),
          3,
        ),
      ).toBeCloseTo(expected, 4);
    }
  });

  it('by hand with beta 2: "ab" against "abc"', () => {
    // Unigrams P 1, R 2/3; bigrams P 1, R 1/2; no trigrams in "ab". Averages P 1, R 7/12;
    // F2 = 5·P·R / (4·P + R) = (35/12) / (55/12) = 7/11.
    expect(corpusChrf(['ab'], [['abc']])).toBeCloseTo((100 * 7) / 11, 10);
  });
});

describe('bleu and chrf metrics: lm-eval passthroughs with corpus aggregations', () => {
  const text = (texts: string[]) => ({ kind: 'text' as const, texts });
  const item = (metric: string, prediction: string, reference: string) =>
    metricFor(metric)!.score({
      doc: {},
      target: reference,
      response: text([prediction]),
      filtered: prediction,
      kwargs: {},
    }) as SampleValue;

  it('each document gives (reference, prediction); the aggregation scores the corpus', () => {
    expect(item('bleu', 'The dog bit the man.', 'The dog had bit the man.')).toEqual([
      'The dog had bit the man.',
      'The dog bit the man.',
    ]);
    // lm-eval's _sacreformat: one reference per document, the first stream of REF_STREAMS.
    const values = HYPS.map((hyp, i) => item('bleu', hyp, REF_STREAMS[0]![i]!));
    expect(aggregations.bleu!(values)).toBeCloseTo(
      corpusBleu(
        HYPS,
        REF_STREAMS[0]!.map((r) => [r]),
      ),
      12,
    );
    expect(aggregations.chrf!(values)).toBeCloseTo(
      corpusChrf(
        HYPS,
        REF_STREAMS[0]!.map((r) => [r]),
      ),
      12,
    );
    expect(metricFor('chrf')!.defaultAggregation).toBe('chrf');
    // lm-eval caps the resamples of these slow statistics at 100; the result is still a spread.
    expect(stderrFor('bleu', values, { bootstrapIters: 1000 })).toBeGreaterThan(0);
  });

  it('a list of targets is refused (lm-eval scores it 1.0, which its aggregation cannot read)', () => {
    expect(() =>
      metricFor('bleu')!.score({ doc: {}, target: ['a', 'b'], response: text(['a']), filtered: 'a', kwargs: {} }),
    ).toThrow(/one reference/);
  });
});

describe('rouge1, rouge2, rougeLsum metrics', () => {
  it("score each document as lm-eval's truthfulqa rouge helper, × 100", () => {
    const value = (metric: string) =>
      metricFor(metric)!.score({
        doc: {},
        target: 'the cat sat',
        response: { kind: 'text', texts: ['the cat'] },
        filtered: 'the cat',
        kwargs: {},
      });
    // By hand: unigrams P 2/2, R 2/3 → F 0.8; bigrams P 1/1, R 1/2 → F 2/3; LCS "the cat" as unigrams.
    expect(value('rouge1')).toBeCloseTo(80, 10);
    expect(value('rouge2')).toBeCloseTo(200 / 3, 10);
    expect(value('rougeLsum')).toBeCloseTo(80, 10);
  });
});

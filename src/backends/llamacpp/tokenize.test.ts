import { describe, expect, it } from 'vitest';
import {
  encodeLoglikelihoodPair,
  encodeText,
  pythonTrailingWhitespaceLength,
  type RequestTokenizer,
  truncateForGeneration,
  truncateForScoring,
} from './tokenize.ts';

const BOS = 1;
const EOS = 2;

/**
 * A word-piece tokenizer like SentencePiece's: whitespace attaches to the following word, so
 * "a b" is ["a", " b"], and "<s>" is parsed as the BOS token. Ids are assigned on first sight.
 */
function fakeTokenizer(addBos = true): RequestTokenizer & { pieces: (tokens: number[]) => string[] } {
  const ids = new Map<string, number>([['<s>', BOS]]);
  const names = new Map<number, string>([[BOS, '<s>']]);
  const id = (piece: string) => {
    if (!ids.has(piece)) {
      ids.set(piece, ids.size + 10);
      names.set(ids.size + 9, piece);
    }
    return ids.get(piece)!;
  };
  return {
    tokenize: (text) => (text.match(/<s>|\s*[^\s<]+|\s+/g) ?? []).map(id),
    addBos,
    bosToken: BOS,
    prefixToken: BOS,
    prefixText: '<s>',
    pieces: (tokens) => tokens.map((t) => names.get(t)!),
  };
}

describe('pythonTrailingWhitespaceLength', () => {
  it("matches Python's str.rstrip() set, not JavaScript's", () => {
    expect(pythonTrailingWhitespaceLength('a \n\t')).toBe(3);
    expect(pythonTrailingWhitespaceLength('a\x1c\x85')).toBe(2); // Python strips these, JS trimEnd() does not
    expect(pythonTrailingWhitespaceLength('a\ufeff')).toBe(0); // JS trimEnd() strips BOM, Python does not
    expect(pythonTrailingWhitespaceLength('')).toBe(0);
  });
});

describe('encodeText', () => {
  it('prepends BOS when the model adds it, unless the text already starts with it', () => {
    const t = fakeTokenizer();
    expect(t.pieces(encodeText(t, 'a b'))).toEqual(['<s>', 'a', ' b']);
    expect(t.pieces(encodeText(t, '<s>a b'))).toEqual(['<s>', 'a', ' b']);
    const noBos = fakeTokenizer(false);
    expect(noBos.pieces(encodeText(noBos, 'a b'))).toEqual(['a', ' b']);
  });
});

describe('encodeLoglikelihoodPair', () => {
  it('splits the whole encoding after the context encoding', () => {
    const t = fakeTokenizer();
    const pair = encodeLoglikelihoodPair(t, 'Question: 2+2=', ' 4');
    expect(t.pieces(pair.context)).toEqual(['<s>', 'Question:', ' 2+2=']);
    expect(t.pieces(pair.continuation)).toEqual([' 4']);
  });

  it("moves the context's trailing whitespace onto the continuation", () => {
    const t = fakeTokenizer();
    const moved = encodeLoglikelihoodPair(t, 'Answer: ', '4');
    expect(moved).toEqual(encodeLoglikelihoodPair(t, 'Answer:', ' 4'));
    expect(t.pieces(moved.continuation)).toEqual([' 4']);
    expect(t.pieces(encodeLoglikelihoodPair(t, 'Q\n\n', 'A').continuation)).toEqual(['\n\nA']);
  });

  it('conditions an empty context on the prefix token, without BOS in the continuation', () => {
    const t = fakeTokenizer();
    const pair = encodeLoglikelihoodPair(t, '', 'Once upon');
    expect(pair.context).toEqual([BOS]);
    expect(t.pieces(pair.continuation)).toEqual(['Once', ' upon']);
    // lm-eval keeps a leading prefix token of the continuation as the context instead.
    const own = encodeLoglikelihoodPair(t, '', '<s>Once');
    expect(own.context).toEqual([BOS]);
    expect(t.pieces(own.continuation)).toEqual(['Once']);
  });

  it('uses EOS as the prefix of a model without BOS', () => {
    const t: RequestTokenizer = { ...fakeTokenizer(false), bosToken: null, prefixToken: EOS, prefixText: '</s>' };
    expect(encodeLoglikelihoodPair(t, '', 'x').context).toEqual([EOS]);
    // A whitespace-only context encodes to nothing without BOS; it falls back to the prefix token.
    expect(encodeLoglikelihoodPair(t, '  ', 'x').context).toEqual([EOS]);
  });
});

describe('truncateForScoring', () => {
  const pair = { context: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], continuation: [11, 12] };

  it('keeps everything when context + continuation - 1 fits', () => {
    expect(truncateForScoring(pair, 11)).toEqual({ ...pair, truncated: false });
  });

  it("left-truncates the context as HFLM's (ctx + cont)[-(max + 1):][:-1]", () => {
    const input = truncateForScoring(pair, 5)!;
    expect(input).toEqual({ context: [7, 8, 9, 10], continuation: [11, 12], truncated: true });
    const full = [...pair.context, ...pair.continuation];
    expect([...input.context, ...input.continuation].slice(0, -1)).toEqual(full.slice(-(5 + 1)).slice(0, -1));
  });

  it('keeps one context token for a continuation of exactly max tokens, and refuses a longer one', () => {
    expect(truncateForScoring(pair, 2)?.context).toEqual([10]);
    expect(truncateForScoring(pair, 1)).toBeNull();
  });
});

describe('truncateForGeneration', () => {
  it('leaves room for max_gen_toks by dropping the oldest prompt tokens', () => {
    expect(truncateForGeneration([1, 2, 3], 10, 4)).toEqual({ tokens: [1, 2, 3], truncated: false });
    expect(truncateForGeneration([1, 2, 3, 4, 5], 6, 4)).toEqual({ tokens: [4, 5], truncated: true });
    expect(truncateForGeneration([1], 4, 4)).toBeNull();
  });
});

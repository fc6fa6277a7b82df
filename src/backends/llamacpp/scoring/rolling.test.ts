import { describe, expect, it } from 'vitest';
import { getRollingTokenWindows, makeDisjointWindow, type TokenWindow } from './rolling.ts';

const BOS = -1;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const disjoint = (tokens: number[], maxSeqLen: number, contextLen = 1) =>
  getRollingTokenWindows(tokens, BOS, maxSeqLen, contextLen).map(makeDisjointWindow);

describe('getRollingTokenWindows', () => {
  it("reproduces lm-eval's docstring example (10 tokens, max_seq_len 4)", () => {
    expect(getRollingTokenWindows(range(10), BOS, 4, 1)).toEqual([
      { context: [BOS, 0, 1, 2], continuation: [0, 1, 2, 3] },
      { context: [3, 4, 5, 6], continuation: [4, 5, 6, 7] },
      { context: [5, 6, 7, 8], continuation: [8, 9] },
    ]);
  });

  it('predicts fewer tokens per window when context_len > 1', () => {
    // pred_len = 4 - 2 + 1 = 3
    expect(getRollingTokenWindows(range(7), BOS, 4, 2)).toEqual([
      { context: [BOS, 0, 1, 2], continuation: [0, 1, 2, 3] },
      { context: [2, 3, 4, 5], continuation: [4, 5, 6] },
    ]);
  });

  it('gives one window for a short text and none for an empty one', () => {
    expect(getRollingTokenWindows([7, 8], BOS, 4, 1)).toEqual([{ context: [BOS, 7], continuation: [7, 8] }]);
    expect(getRollingTokenWindows([], BOS, 4, 1)).toEqual([]);
  });

  it('handles a text of exactly max_seq_len and max_seq_len + 1 tokens', () => {
    expect(getRollingTokenWindows(range(4), BOS, 4, 1)).toEqual([
      { context: [BOS, 0, 1, 2], continuation: [0, 1, 2, 3] },
    ]);
    expect(getRollingTokenWindows(range(5), BOS, 4, 1)).toEqual([
      { context: [BOS, 0, 1, 2], continuation: [0, 1, 2, 3] },
      { context: [0, 1, 2, 3], continuation: [4] },
    ]);
  });

  it('rejects a context_len outside [1, max_seq_len]', () => {
    expect(() => getRollingTokenWindows([1], BOS, 4, 0)).toThrow(RangeError);
    expect(() => getRollingTokenWindows([1], BOS, 4, 5)).toThrow(RangeError);
  });
});

describe('makeDisjointWindow', () => {
  it('keeps only the context tokens the continuation does not re-supply', () => {
    expect(disjoint(range(10), 4)).toEqual([
      { context: [BOS], continuation: [0, 1, 2, 3] },
      { context: [3], continuation: [4, 5, 6, 7] },
      { context: [5, 6, 7], continuation: [8, 9] },
    ]);
  });

  it('predicts every token once, in order, each after exactly the tokens before it', () => {
    for (const maxSeqLen of [1, 2, 3, 5, 8]) {
      for (let n = 0; n <= 30; n++) {
        const tokens = range(n);
        const windows: TokenWindow<number>[] = disjoint(tokens, maxSeqLen);
        expect(windows.flatMap((w) => w.continuation)).toEqual(tokens);
        const withPrefix = [BOS, ...tokens];
        for (const w of windows) {
          const input = [...w.context, ...w.continuation.slice(0, -1)];
          expect(input.length).toBeLessThanOrEqual(maxSeqLen);
          // The input is a contiguous run of [BOS, ...tokens] ending just before the last predicted token.
          const end = (w.continuation.at(-1) as number) + 1;
          expect(input).toEqual(withPrefix.slice(end - input.length, end));
        }
      }
    }
  });
});

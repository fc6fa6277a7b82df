import { describe, expect, it } from 'vitest';
import { fitScoringShape } from './scoring-context.ts';

const request = (length: number) => ({ context: Array(length - 1).fill(7), continuation: [1, 2] });
const MAIN = { sequences: 8, cellsPerSequence: 2304 };

describe('fitScoringShape', () => {
  it('gives short requests more, shorter sequences within the main KV budget', () => {
    // Longest path 150 + 63 headroom → 256 cells; 8 × 2304 cells hold 72 such sequences, capped at 64.
    expect(fitScoringShape([request(100), request(150)], MAIN, 64, 63)).toEqual({
      sequences: 64,
      cellsPerSequence: 256,
    });
    expect(fitScoringShape([request(600)], MAIN, 64, 63)).toEqual({ sequences: 24, cellsPerSequence: 768 });
  });

  it('keeps the main context when nothing would be gained', () => {
    expect(fitScoringShape([request(2200)], MAIN, 64, 63)).toBeNull();
    expect(fitScoringShape([request(2000)], MAIN, 64, 63)).toBeNull(); // 2304 cells: no shorter stream
    expect(fitScoringShape([request(100)], MAIN, 8, 63)).toBeNull(); // no more sequences allowed
  });
});

import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { applyFilterPipeline, buildFilterPipeline, defaultFilterPipeline, filters } from './index.ts';

const doc = {};
const STRICT = [{ function: 'regex', args: { regex_pattern: '#### (\\-?[0-9\\.\\,]+)' } }, { function: 'take_first' }];
const FLEXIBLE = [
  { function: 'regex', args: { group_select: -1, regex_pattern: '(-?[$0-9.,]{2,})|(-?[0-9]+)' } },
  { function: 'take_first' },
];

// Outputs shaped like real gsm8k generations (lm-eval's gsm8k.yaml strict-match / flexible-extract).
const WITH_ANSWER_LINE = `Natalia sold 48/2 = 24 clips in May.
Natalia sold 48+24 = 72 clips altogether in April and May.
#### 72`;
const NO_ANSWER_LINE = `Weng earns 12/60 = $0.2 per minute.
Working 50 minutes, she earned 0.2 x 50 = $10.
The answer is $10.`;
const BARE_NUMBER = 'So she has 5 left';

describe('gsm8k filter pipelines', () => {
  it('strict-match takes the "#### N" line or falls back to [invalid]', () => {
    expect(applyFilterPipeline(STRICT, [WITH_ANSWER_LINE], doc)).toEqual(['72']);
    expect(applyFilterPipeline(STRICT, [NO_ANSWER_LINE], doc)).toEqual(['[invalid]']);
    expect(applyFilterPipeline(STRICT, ['#### -1,234.50\n'], doc)).toEqual(['-1,234.50']);
  });

  it('flexible-extract takes the last number, from whichever group matched', () => {
    expect(applyFilterPipeline(FLEXIBLE, [WITH_ANSWER_LINE], doc)).toEqual(['72']);
    // Group 1 needs two characters, so "$10." wins over the bare digits of group 2.
    expect(applyFilterPipeline(FLEXIBLE, [NO_ANSWER_LINE], doc)).toEqual(['$10.']);
    // A single digit only matches group 2: the tuple's first non-empty group is used.
    expect(applyFilterPipeline(FLEXIBLE, [BARE_NUMBER], doc)).toEqual(['5']);
    expect(applyFilterPipeline(FLEXIBLE, ['no digits here'], doc)).toEqual(['[invalid]']);
  });

  it('regex: custom fallback, positive group_select, and an index past the last match', () => {
    const f = filters.regex!({ regex_pattern: '(\\d+)', group_select: 1, fallback: 'none' });
    expect(f(['1 and 2 and 3', 'only 7'], doc)).toEqual(['2', 'none']);
  });
});

describe('selection and transformation filters', () => {
  it('take_first, take_first_k, majority_vote (ties go to the first seen)', () => {
    expect(applyFilterPipeline([{ function: 'take_first' }], ['a', 'b'], doc)).toEqual(['a']);
    expect(applyFilterPipeline([{ function: 'take_first_k', args: { k: 2 } }], ['a', 'b', 'c'], doc)).toEqual([
      'a',
      'b',
    ]);
    expect(applyFilterPipeline([{ function: 'majority_vote' }], ['b', 'a', 'a', 'b', 'c'], doc)).toEqual(['b']);
    expect(applyFilterPipeline([{ function: 'majority_vote' }], ['x', 'y', 'y'], doc)).toEqual(['y']);
  });

  it('self-consistency: regex on every repeat, then majority vote', () => {
    const steps = [...FLEXIBLE.slice(0, 1), { function: 'majority_vote' }, { function: 'take_first' }];
    expect(applyFilterPipeline(steps, ['so 5', 'it is 7', 'maybe 7', 'so 5'], doc)).toEqual(['5']);
  });

  it('lowercase, uppercase, remove_whitespace (both ends, as lm-eval v0.4.9.2)', () => {
    expect(applyFilterPipeline([{ function: 'lowercase' }], ['AbC'], doc)).toEqual(['abc']);
    expect(applyFilterPipeline([{ function: 'uppercase' }], ['AbC'], doc)).toEqual(['ABC']);
    expect(applyFilterPipeline([{ function: 'remove_whitespace' }], ['  \n 42 \n'], doc)).toEqual(['42']);
  });

  it('the default "none" pipeline keeps the first repeat', () => {
    expect(defaultFilterPipeline.name).toBe('none');
    expect(applyFilterPipeline(defaultFilterPipeline.steps, [' 42', 'x'], doc)).toEqual([' 42']);
  });
});

describe('configuration errors', () => {
  it('unknown filters and arguments are user errors', () => {
    expect(() => buildFilterPipeline([{ function: 'nope' }])).toThrow(UserError);
    expect(() => buildFilterPipeline([{ function: 'toString' }])).toThrow(UserError);
    expect(() => buildFilterPipeline([{ function: 'regex', args: { pattern: 'x' } }])).toThrow(/unknown argument/);
    expect(() => buildFilterPipeline([{ function: 'regex', args: { group_select: '1' } }])).toThrow(/integer/);
    expect(() => buildFilterPipeline([{ function: 'take_first_k' }])).toThrow(/k must be an integer/);
  });

  it('take_first_k with too few repeats is a bug, as lm-eval asserts', () => {
    expect(() => applyFilterPipeline([{ function: 'take_first_k', args: { k: 3 } }], ['a'], doc)).toThrow(/needs 3/);
  });
});

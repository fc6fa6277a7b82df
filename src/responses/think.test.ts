import { describe, expect, it } from 'vitest';
import { DEFAULT_THINK, splitThinking } from './think.ts';

describe('splitThinking', () => {
  it('removes a reasoning block and the whitespace after it', () => {
    expect(splitThinking('<think>7*6 is 42, not 41</think>\n\n42', DEFAULT_THINK)).toEqual({
      answer: '42',
      reasoning: '7*6 is 42, not 41',
      unterminated: false,
    });
  });

  it('treats an unterminated block as an empty answer', () => {
    expect(splitThinking('<think>still thinking about 41', DEFAULT_THINK)).toEqual({
      answer: '',
      reasoning: 'still thinking about 41',
      unterminated: true,
    });
  });

  it('handles a close tag whose open tag was in the prompt, and several blocks', () => {
    expect(splitThinking('plan</think>A<think>check</think>B', DEFAULT_THINK)).toEqual({
      answer: 'AB',
      reasoning: 'plancheck',
      unterminated: false,
    });
  });

  it('supports other markers and keep mode', () => {
    const o = { mode: 'strip' as const, open: '[R]', close: '[/R]' };
    expect(splitThinking('[R]x[/R] 5', o).answer).toBe('5');
    expect(splitThinking('<think>x</think>5', { ...DEFAULT_THINK, mode: 'keep' }).answer).toBe('<think>x</think>5');
  });

  it('leaves text without markers alone', () => {
    expect(splitThinking(' 12', DEFAULT_THINK)).toEqual({ answer: ' 12', reasoning: '', unterminated: false });
  });
});

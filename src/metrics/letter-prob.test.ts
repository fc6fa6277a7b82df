import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import type { ChoicesResponse } from '../responses/types.ts';
import { acc_letter_prob } from './letter-prob.ts';
import { metricFor } from './index.ts';

const LETTERS = ['A', 'B', 'C', 'D'];

function score(logprobs: number[], target: number, extra: Partial<ChoicesResponse> = {}) {
  const response: ChoicesResponse = {
    kind: 'choices',
    logprobs,
    isGreedy: logprobs.map(() => false),
    choices: LETTERS,
    ...extra,
  };
  return acc_letter_prob.score({ doc: {}, target, response, kwargs: {} });
}

describe('acc_letter_prob: the letters compared among themselves', () => {
  it('is registered under its name', () => {
    expect(metricFor('acc_letter_prob')).toBe(acc_letter_prob);
  });

  it('picks the likeliest letter, and renormalises over the letters only', () => {
    // P(A..D) = 0.1, 0.2, 0.3, 0.1: the letters hold 0.7 of the mass; among themselves C has 3/7.
    const result = score([Math.log(0.1), Math.log(0.2), Math.log(0.3), Math.log(0.1)], 2);
    expect(result.value).toBe(1);
    expect(result.details.predicted).toBe('C');
    const probs = result.details.letter_probs as Record<string, number>;
    expect(probs.C).toBeCloseTo(3 / 7, 12);
    expect(probs.A).toBeCloseTo(1 / 7, 12);
    expect(result.details.letter_mass).toBeCloseTo(0.7, 12);
    expect(score([Math.log(0.1), Math.log(0.2), Math.log(0.3), Math.log(0.1)], 1).value).toBe(0);
  });

  it('keeps the ranking when the letters are very unlikely (no underflow to 0/0)', () => {
    const result = score([-2000, -1999, -2001, -2002], 1);
    expect(result.value).toBe(1);
    const probs = result.details.letter_probs as Record<string, number>;
    expect(probs.B).toBeCloseTo(1 / (1 + Math.exp(-1) + Math.exp(-2) + Math.exp(-3)), 12);
    expect(result.details.letter_mass).toBe(0);
  });

  it('breaks ties towards the first letter, as numpy argmax does', () => {
    expect(score([-1, -1, -1, -1], 0).details.predicted).toBe('A');
    expect(score([-3, -1, -1, -2], 2).value).toBe(0);
  });

  it('flags letters that took more than one token', () => {
    expect(score([-1, -2, -3, -4], 0, { continuationTokens: [1, 1, 1, 1] }).details.multi_token_letters).toBe(false);
    expect(score([-1, -2, -3, -4], 0, { continuationTokens: [1, 2, 1, 1] }).details.multi_token_letters).toBe(true);
  });

  it('refuses answer texts and text responses: the task is set up for another rule', () => {
    const response: ChoicesResponse = {
      kind: 'choices',
      logprobs: [-1, -2],
      isGreedy: [false, false],
      choices: ['Paris', 'Rome'],
    };
    expect(() => acc_letter_prob.score({ doc: {}, target: 0, response, kwargs: {} })).toThrow(UserError);
    expect(() =>
      acc_letter_prob.score({ doc: {}, target: 0, response: { kind: 'text', texts: ['A'] }, kwargs: {} }),
    ).toThrow(/does not apply to text responses/);
  });
});

import { describe, expect, it } from 'vitest';
import { isRequestKind, isValidResult } from './result-schemas.ts';

// The rules the zod schemas these checks replaced applied (z.number() finite, .int() safe
// integer, z.object() any non-array object, extra fields allowed).
describe('isValidResult', () => {
  const ll = { logprob: -1.5, isGreedy: true, tokens: 2, truncated: false };
  it.each([
    ['a plain result', ll, true],
    ['extra fields', { ...ll, extra: 1 }, true],
    ['-0 tokens', { ...ll, tokens: -0 }, true],
    ['2^53 - 1 tokens', { ...ll, tokens: 2 ** 53 - 1 }, true],
    [
      'inherited fields',
      Object.assign(Object.create({ logprob: -1 }), { isGreedy: true, tokens: 1, truncated: false }),
      true,
    ],
    ['a null-prototype object', Object.assign(Object.create(null), ll), true],
    ['NaN logprob', { ...ll, logprob: Number.NaN }, false],
    ['infinite logprob', { ...ll, logprob: Number.NEGATIVE_INFINITY }, false],
    ['2^53 tokens', { ...ll, tokens: 2 ** 53 }, false],
    ['fractional tokens', { ...ll, tokens: 1.5 }, false],
    ['negative tokens', { ...ll, tokens: -1 }, false],
    ['a boxed number', { ...ll, logprob: new Number(1) }, false],
    ['a bigint', { ...ll, tokens: 1n }, false],
    ['a missing field', { logprob: -1, tokens: 1, truncated: false }, false],
    ['an array', Object.assign([], ll), false],
    ['null', null, false],
    ['a function', Object.assign(() => 0, ll), false],
  ])('loglikelihood: %s → %s', (_, result, valid) => {
    expect(isValidResult('loglikelihood', result)).toBe(valid);
  });

  it('checks each kind by its own fields', () => {
    expect(isValidResult('loglikelihoodRolling', { logprob: -3, tokens: 4 })).toBe(true);
    expect(isValidResult('loglikelihoodRolling', { logprob: -3 })).toBe(false);
    expect(isValidResult('generateUntil', { text: 'x', tokens: 1, hitMaxTokens: false, truncated: false })).toBe(true);
    expect(isValidResult('generateUntil', { text: 1, tokens: 1, hitMaxTokens: false, truncated: false })).toBe(false);
    expect(isValidResult('generateUntil', { logprob: -1, isGreedy: true, tokens: 1, truncated: false })).toBe(false);
  });

  it('knows the request kinds and nothing else', () => {
    expect(['loglikelihood', 'loglikelihoodRolling', 'generateUntil'].every(isRequestKind)).toBe(true);
    expect(['toString', 'constructor', '__proto__', 'x'].some(isRequestKind)).toBe(false);
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { GenerateRequest, LoglikelihoodRequest, Request } from '../requests/types.ts';
import { canonicalJson, requestKey } from './key.ts';

const generate: GenerateRequest = {
  kind: 'generateUntil',
  context: 'Q: 2+2?\nA:',
  settings: { until: ['\n', 'Q:'], maxGenToks: 64, temperature: 0.7, topP: 0.9, topK: 40, seed: 1234 },
};
const loglikelihood: LoglikelihoodRequest = { kind: 'loglikelihood', context: 'The sky is', continuation: ' blue' };

describe('requestKey', () => {
  it('is a sha256 hex digest, stable across calls', () => {
    const key = requestKey('model@a', generate, 0);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(requestKey('model@a', structuredClone(generate), 0)).toBe(key);
  });

  it('changes when any field changes', () => {
    const variants: Array<[string, string, Request, number]> = [
      ['backend id', 'model@b', generate, 0],
      ['repeat', 'model@a', generate, 1],
      ['context', 'model@a', { ...generate, context: 'Q: 2+3?\nA:' }, 0],
      ['until', 'model@a', { ...generate, settings: { ...generate.settings, until: ['\n'] } }, 0],
      ['until order', 'model@a', { ...generate, settings: { ...generate.settings, until: ['Q:', '\n'] } }, 0],
      ['maxGenToks', 'model@a', { ...generate, settings: { ...generate.settings, maxGenToks: 65 } }, 0],
      ['temperature', 'model@a', { ...generate, settings: { ...generate.settings, temperature: 0 } }, 0],
      ['topP', 'model@a', { ...generate, settings: { ...generate.settings, topP: 0.95 } }, 0],
      ['topK', 'model@a', { ...generate, settings: { ...generate.settings, topK: 41 } }, 0],
      ['seed', 'model@a', { ...generate, settings: { ...generate.settings, seed: 1235 } }, 0],
      ['seed removed', 'model@a', { ...generate, settings: { ...generate.settings, seed: undefined } }, 0],
    ];
    const base = requestKey('model@a', generate, 0);
    const keys = variants.map(([, backendId, request, repeat]) => requestKey(backendId, request, repeat));
    for (const [i, key] of keys.entries()) expect(key, variants[i]![0]).not.toBe(base);
    expect(new Set(keys).size).toBe(keys.length);

    const llBase = requestKey('model@a', loglikelihood, 0);
    expect(requestKey('model@a', { ...loglikelihood, continuation: 'blue' }, 0)).not.toBe(llBase);
    expect(requestKey('model@a', { ...loglikelihood, context: 'The sky is ' }, 0)).not.toBe(llBase);
    // Moving text across the context/continuation boundary is a different request.
    expect(requestKey('model@a', { ...loglikelihood, context: 'The sky is ', continuation: 'blue' }, 0)).not.toBe(
      llBase,
    );
  });

  it('separates request kinds with the same text', () => {
    const rolling: Request = { kind: 'loglikelihoodRolling', text: 'hello' };
    const generateSame: Request = { ...generate, context: 'hello' };
    expect(requestKey('m', rolling, 0)).not.toBe(requestKey('m', generateSame, 0));
  });

  it('ignores key order in objects and undefined members', () => {
    const reordered: GenerateRequest = {
      settings: { seed: 1234, topK: 40, topP: 0.9, temperature: 0.7, maxGenToks: 64, until: ['\n', 'Q:'] },
      context: 'Q: 2+2?\nA:',
      kind: 'generateUntil',
    };
    expect(requestKey('model@a', reordered, 0)).toBe(requestKey('model@a', generate, 0));
    const withoutTopK: GenerateRequest = { ...generate, settings: { ...generate.settings, topK: undefined } };
    const { topK: _, ...settingsWithoutTopK } = generate.settings;
    expect(requestKey('m', withoutTopK, 0)).toBe(requestKey('m', { ...generate, settings: settingsWithoutTopK }, 0));
  });

  it('rejects values that cannot be keyed unambiguously', () => {
    expect(() => requestKey('m', generate, -1)).toThrow(/repeat/);
    expect(() => requestKey('m', generate, 0.5)).toThrow(/repeat/);
    const nan = { ...generate, settings: { ...generate.settings, temperature: Number.NaN } };
    expect(() => requestKey('m', nan, 0)).toThrow(/NaN/);
  });
});

describe('requestKey and cache files written before it', () => {
  // The definition every stored key was made with; the fast paths must not change a single key.
  const reference = (backendId: string, request: unknown, repeat: number) =>
    createHash('sha256')
      .update(canonicalJson({ keyVersion: 1, backendId, kind: (request as Request).kind, request, repeat }))
      .digest('hex');

  it('gives the sha256 of the canonical payload, whatever the request looks like', () => {
    const long = `${'The following are multiple choice questions (with answers).\n\n'.repeat(40)}Q: \ud83d\ude00 "quoted" \\ é\nA:`;
    const requests: unknown[] = [
      loglikelihood,
      generate,
      { kind: 'loglikelihoodRolling', text: long },
      ...[' A', ' B', ' C', ' D'].map((continuation) => ({ kind: 'loglikelihood', context: long, continuation })),
      { ...generate, context: long },
      { ...generate, context: `${long}x` },
      { kind: 'loglikelihood', context: long, continuation: ' A', extra: undefined },
      { kind: 'loglikelihood', context: long, continuation: ' A', aardvark: 1 },
      { kind: 'loglikelihood', context: 'lone \ud800 surrogate', continuation: '\udc00' },
      Object.assign(Object.create({ context: long }), { kind: 'loglikelihood', continuation: ' A' }),
    ];
    // Backend outermost, so consecutive choices of one context reuse the hashed context.
    for (const [backendId, repeat] of [
      ['dummy:{"seed":0}', 0],
      ['model@b', 0],
      ['model@b', 3],
    ] as const) {
      for (const [i, request] of requests.entries()) {
        expect(requestKey(backendId, request as Request, repeat), `request ${i}`).toBe(
          reference(backendId, request, repeat),
        );
      }
    }
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });
});

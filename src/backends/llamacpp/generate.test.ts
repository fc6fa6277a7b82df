import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateRequest, GenerationSettings } from '../../requests/types.ts';
import type { Backend } from '../types.ts';
import { cutAtFirstStop } from './generate.ts';
import { createLlamaCppBackend } from './index.ts';

const MODEL = path.join(process.env.EVALBOARD_MODEL_PATH!, 'stories260K.gguf');

const gen = (context: string, settings: Partial<GenerationSettings> = {}): GenerateRequest => ({
  kind: 'generateUntil',
  context,
  settings: { until: [], maxGenToks: 40, temperature: 0, ...settings },
});

describe('cutAtFirstStop', () => {
  it("cuts at the earliest stop string, as lm-eval's successive split(stop)[0] does", () => {
    expect(cutAtFirstStop('a. b\n\nc', ['\n\n', '.'])).toEqual({ text: 'a', stopped: true });
    expect(cutAtFirstStop('abc', ['bc', 'c'])).toEqual({ text: 'a', stopped: true });
    expect(cutAtFirstStop('abc', ['', 'x'])).toEqual({ text: 'abc', stopped: false });
  });
});

describe('generateUntil on stories260K', () => {
  let serial: Backend;
  let batched: Backend;
  let small: Backend;
  const PROMPTS = ['Once upon a time', 'Lily wanted to play', 'One day, Tim saw a', 'The sun was'];

  beforeAll(async () => {
    [serial, batched, small] = await Promise.all([
      createLlamaCppBackend({ modelPath: MODEL, nCtx: 256, seed: 1, batchSize: 1 }),
      createLlamaCppBackend({ modelPath: MODEL, nCtx: 256, seed: 1, batchSize: 4 }),
      createLlamaCppBackend({ modelPath: MODEL, nCtx: 64, seed: 1, batchSize: 2 }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([serial?.close(), batched?.close(), small?.close()]);
  });

  it('is deterministic when greedy: across calls and across 1 vs 4 sequences', async () => {
    const requests = PROMPTS.map((p) => gen(p));
    const [first, again, one] = [
      await batched.generateUntil(requests),
      await batched.generateUntil(requests),
      await serial.generateUntil(requests),
    ];
    expect(again).toEqual(first);
    expect(one).toEqual(first);
    expect(new Set(first.map((r) => r.text)).size).toBe(PROMPTS.length);
  });

  it('cuts the output at the first stop string found in the greedy text', async () => {
    const [free] = await batched.generateUntil([gen('Once upon a time')]);
    expect(free!.tokens).toBeGreaterThan(10);
    // A stop string from the middle of the unconstrained greedy output.
    const words = free!.text.split(' ');
    const stop = ` ${words[Math.floor(words.length / 2)]}`;
    const [stopped] = await batched.generateUntil([gen('Once upon a time', { until: ['NEVER SEEN', stop] })]);
    expect(stopped!.text).toBe(free!.text.slice(0, free!.text.indexOf(stop)));
    expect(stopped!.hitMaxTokens).toBe(false);
    expect(stopped!.tokens).toBeLessThan(free!.tokens);
  });

  it('never exceeds max_gen_toks and reports hitting it', async () => {
    const [full] = await batched.generateUntil([gen('Once upon a time')]);
    const results = await batched.generateUntil([1, 5, 12].map((n) => gen('Once upon a time', { maxGenToks: n })));
    for (const [i, n] of [1, 5, 12].entries()) {
      expect(results[i]!.tokens).toBe(n);
      expect(results[i]!.hitMaxTokens).toBe(true);
      expect(full!.text.startsWith(results[i]!.text)).toBe(true);
    }
  });

  it('left-truncates a prompt that leaves no room for max_gen_toks', async () => {
    const long = 'Once upon a time, there was a little girl named Lily. '.repeat(6);
    const [result] = await small.generateUntil([gen(long, { maxGenToks: 16 })]);
    expect(result!.truncated).toBe(true);
    expect(result!.tokens).toBeLessThanOrEqual(16);
    const tooMany = await small.generateUntil([gen('Hi', { maxGenToks: 64 })]).catch((e: Error) => e.message);
    expect(tooMany).toMatch(/max_gen_toks=64 leaves no room/);
  });

  it('samples reproducibly from a seed when temperature > 0', async () => {
    const request = gen('Once upon a time', { temperature: 1, seed: 7 });
    const [a] = await batched.generateUntil([request]);
    const [b] = await serial.generateUntil([request]);
    const others = await batched.generateUntil(
      [8, 9, 10].map((seed) => gen('Once upon a time', { temperature: 1, seed })),
    );
    expect(b).toEqual(a);
    expect(others.some((o) => o.text !== a!.text)).toBe(true);
  });
});

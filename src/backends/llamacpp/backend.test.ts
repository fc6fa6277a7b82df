import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUserError, type UserError } from '../../errors.ts';
import type { LoglikelihoodRequest } from '../../requests/types.ts';
import type { Backend } from '../types.ts';
import { createLlamaCppBackend } from './index.ts';
import {
  loadReferenceModel,
  naiveGreedyTokens,
  naiveLoglikelihood,
  type ReferenceModel,
  referencePair,
} from './scoring/naive-reference.ts';
import { getRollingTokenWindows, makeDisjointWindow } from './scoring/rolling.ts';

const MODEL = path.join(process.env.EVALBOARD_MODEL_PATH!, 'stories260K.gguf');
const MODEL_SHA256 = '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d';
const N_CTX = 256;
const SMALL_N_CTX = 64;

const ll = (context: string, continuation: string): LoglikelihoodRequest => ({
  kind: 'loglikelihood',
  context,
  continuation,
});

/** Shared and distinct contexts, trailing whitespace, an empty context, one- and many-token continuations. */
const REQUESTS: LoglikelihoodRequest[] = [
  ll('Once upon a time', ' there was a little girl'),
  ll('Lily wanted to play', ' outside.'),
  ll('Once upon a time', ','),
  ll('Once upon a time ', 'there was a dog'),
  ll('Once upon a time', ' a big bear lived in the woods'),
  ll('', 'Once upon a time'),
  ll('Lily wanted to play', ' with her mom'),
  ll('The cat sat\n', 'on the mat.'),
  ll('Once upon a time ', 'a cat'),
  ll('', 'Tom'),
  ll('The cat sat\n', 'and purred.'),
  ll('One day, a little boy named Tim', ' went to the park.'),
  ll('Lily wanted to play', ' ball'),
  ll('She was very', ' happy'),
  ll('One day, a little boy named Tim', ' saw a big dog'),
  ll('He said', ' "Hello!"'),
  ll('Once upon a time', ' there was a little boy'),
  ll('The sky was', ' blue and the grass was green'),
  ll('One day, a little boy named Tim', '.'),
  ll('They played all day  ', 'and had fun.'),
  ll('Once upon a time', ' zebra purple quantum'),
  ll('Mom said', ' no'),
];

/** A context long enough (~170 tokens) to overflow SMALL_N_CTX. */
const LONG_STORY =
  'Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her friends. ' +
  'One day, she saw a big red ball under a tree. She wanted to play with it, but it was too high. ' +
  'Her mom came and helped her get the ball down. Lily was very happy and said thank you to her mom. ' +
  'They played with the ball all day long, and when the sun went down they went home to eat dinner together.';

let reference: ReferenceModel;
let serial: Backend;
let batched: Backend;
let small: Backend;

beforeAll(async () => {
  [reference, serial, batched, small] = await Promise.all([
    loadReferenceModel(MODEL, N_CTX),
    createLlamaCppBackend({ modelPath: MODEL, nCtx: N_CTX, seed: 1, batchSize: 1 }),
    createLlamaCppBackend({ modelPath: MODEL, nCtx: N_CTX, seed: 1, batchSize: 8 }),
    createLlamaCppBackend({ modelPath: MODEL, nCtx: SMALL_N_CTX, seed: 1, batchSize: 4 }),
  ]);
});

afterAll(async () => {
  await Promise.all([reference?.close(), serial?.close(), batched?.close(), small?.close()]);
});

describe('loglikelihood', () => {
  it('matches a naive per-request evaluation, in input order, with onResult once per request', async () => {
    const seen: number[] = [];
    const results = await batched.loglikelihood(REQUESTS, { onResult: (i) => seen.push(i) });
    expect(seen.sort((a, b) => a - b)).toEqual(REQUESTS.map((_, i) => i));
    expect(results).toHaveLength(REQUESTS.length);
    for (const [i, r] of REQUESTS.entries()) {
      const pair = referencePair(reference, r.context, r.continuation);
      const expected = await naiveLoglikelihood(reference, pair.context, pair.continuation, N_CTX);
      const got = results[i]!;
      expect(Math.abs(got.logprob - expected.logprob), `request ${i}`).toBeLessThan(1e-4);
      expect(got.isGreedy, `request ${i}`).toBe(expected.isGreedy);
      expect(got.tokens).toBe(pair.continuation.length);
      expect(got.truncated).toBe(false);
    }
    // Sanity: the requests are not all alike.
    expect(new Set(results.map((r) => r.logprob.toFixed(3))).size).toBeGreaterThan(15);
  });

  it('scores a request the same alone or among others, on one sequence (bit for bit)', async () => {
    const together = await serial.loglikelihood(REQUESTS);
    for (const [i, r] of REQUESTS.entries()) expect(await serial.loglikelihood([r])).toEqual([together[i]]);
  });

  it('gives the same numbers with 1 and 8 sequences, to float32 rounding', async () => {
    // Not bit for bit: sequences decoded together share llama.cpp ubatches, and a ubatch's size
    // picks the CPU matmul kernel (1 row: ggml vec_dot; ≥ 2 rows: tinyBLAS), so roundings differ
    // by ~1e-6 (measured max 1.9e-6 here).
    const [one, eight] = await Promise.all([serial.loglikelihood(REQUESTS), batched.loglikelihood(REQUESTS)]);
    const maxDifference = Math.max(...one.map((r, i) => Math.abs(r.logprob - eight[i]!.logprob)));
    console.log(`max |logprob(1 sequence) - logprob(8 sequences)| = ${maxDifference.toExponential(2)}`);
    expect(maxDifference).toBeLessThan(1e-5);
    expect(one.map(({ logprob, ...rest }) => rest)).toEqual(eight.map(({ logprob, ...rest }) => rest));
  });

  it("sets isGreedy for the model's own greedy continuation only", async () => {
    const context = 'Once upon a time';
    const prompt = referencePair(reference, context, ' x').context;
    const greedy = await naiveGreedyTokens(reference, prompt, 6);
    const promptText = reference.model.detokenize(prompt);
    const greedyText = reference.model.detokenize([...prompt, ...greedy]).slice(promptText.length);
    // Precondition: the text re-tokenises to the same tokens after the context.
    expect(referencePair(reference, context, greedyText).continuation).toEqual(greedy);
    const [own, extended, random] = await batched.loglikelihood([
      ll(context, greedyText),
      ll(context, `${greedyText} zebra`),
      ll(context, ' purple zebra quantum'),
    ]);
    expect(own!.isGreedy).toBe(true);
    expect(extended!.isGreedy).toBe(false);
    expect(random!.isGreedy).toBe(false);
  });

  it('left-truncates a context longer than n_ctx and still matches the naive evaluation', async () => {
    // n_ctx 64 leaves llama.cpp's padding to 256 cells unused; n_ctx 256 fills a sequence exactly.
    for (const [backend, nCtx, context] of [
      [small, SMALL_N_CTX, LONG_STORY],
      [batched, N_CTX, `${LONG_STORY} ${LONG_STORY}`],
    ] as const) {
      const [result] = await backend.loglikelihood([ll(context, ' The end.')]);
      const pair = referencePair(reference, context, ' The end.');
      expect(pair.context.length).toBeGreaterThan(nCtx);
      const expected = await naiveLoglikelihood(reference, pair.context, pair.continuation, nCtx);
      expect(result!.truncated).toBe(true);
      expect(Number.isFinite(result!.logprob)).toBe(true);
      expect(Math.abs(result!.logprob - expected.logprob), `n_ctx ${nCtx}`).toBeLessThan(1e-4);
    }
  });

  it('refuses a continuation longer than n_ctx with a UserError naming n_ctx', async () => {
    const error = await small.loglikelihood([ll('Once', ` ${LONG_STORY}`)]).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as UserError).format()).toMatch(/n_ctx=64 is too small.*use n_ctx=\d+ or more/);
  });
});

describe('loglikelihoodRolling', () => {
  it('sums rolling windows over a text longer than n_ctx, as a per-window naive evaluation does', async () => {
    const bos = reference.model.tokens.bos!;
    const text = reference.model.tokenize(LONG_STORY, true);
    // Default (lm-eval's HF backend): stories260K adds BOS, so BOS is the first predicted token.
    const tokens = [bos, ...text];
    expect(tokens.length).toBeGreaterThan(2 * SMALL_N_CTX);
    const windows = getRollingTokenWindows(tokens, bos, SMALL_N_CTX, 1).map(makeDisjointWindow);
    expect(windows[0]!.context).toEqual([bos]);
    expect(windows[0]!.continuation[0]).toBe(bos);
    let expected = 0;
    for (const w of windows)
      expected += (await naiveLoglikelihood(reference, w.context, w.continuation, SMALL_N_CTX)).logprob;
    const done: number[] = [];
    const [story, empty, short] = await small.loglikelihoodRolling(
      [
        { kind: 'loglikelihoodRolling', text: LONG_STORY },
        { kind: 'loglikelihoodRolling', text: '' },
        { kind: 'loglikelihoodRolling', text: 'Lily was happy.' },
      ],
      { onResult: (i) => done.push(i) },
    );
    expect(story!.tokens).toBe(tokens.length);
    expect(Math.abs(story!.logprob - expected)).toBeLessThan(1e-4);
    // An empty text still encodes to [BOS] under the HF rule: log P(BOS | BOS) alone.
    expect(empty!.tokens).toBe(1);
    const bosAfterBos = await naiveLoglikelihood(reference, [bos], [bos], SMALL_N_CTX);
    expect(Math.abs(empty!.logprob - bosAfterBos.logprob)).toBeLessThan(1e-4);
    expect(short!.logprob).toBeLessThan(0);
    expect(done.sort()).toEqual([0, 1, 2]);
  });

  it("with rolling_bos 'context' scores the text's own tokens, the first predicted from BOS", async () => {
    const bos = reference.model.tokens.bos!;
    const tokens = reference.model.tokenize(LONG_STORY, true);
    const windows = getRollingTokenWindows(tokens, bos, SMALL_N_CTX, 1).map(makeDisjointWindow);
    let expected = 0;
    for (const w of windows)
      expected += (await naiveLoglikelihood(reference, w.context, w.continuation, SMALL_N_CTX)).logprob;
    const contextOnly = await createLlamaCppBackend({
      modelPath: MODEL,
      nCtx: SMALL_N_CTX,
      seed: 1,
      batchSize: 4,
      rollingBos: 'context',
    });
    try {
      const [story, empty] = await contextOnly.loglikelihoodRolling([
        { kind: 'loglikelihoodRolling', text: LONG_STORY },
        { kind: 'loglikelihoodRolling', text: '' },
      ]);
      expect(story!.tokens).toBe(tokens.length);
      expect(Math.abs(story!.logprob - expected)).toBeLessThan(1e-4);
      expect(empty).toEqual({ logprob: 0, tokens: 0 });
      // The two settings are separate cache entries and both are recorded.
      expect(contextOnly.id).not.toBe(small.id);
      expect(contextOnly.info.settings).toMatchObject({ rollingBos: 'context' });
      expect(small.info.settings).toMatchObject({ rollingBos: 'scored' });
    } finally {
      await contextOnly.close();
    }
  });
});

describe('createLlamaCppBackend', () => {
  it('identifies the model by its sha256 and records the settings that change outputs', () => {
    expect(batched.info.modelId).toBe(`sha256:${MODEL_SHA256}`);
    expect(batched.id).toContain(MODEL_SHA256);
    expect(batched.id).not.toBe(small.id); // n_ctx differs
    expect(batched.maxLength).toBe(N_CTX);
    expect(batched.info.settings).toMatchObject({ nCtx: N_CTX, addBos: true, sequences: 8 });
    expect(batched.info.details).toMatchObject({ nodeLlamaCppVersion: '3.21.1', model: { architecture: 'llama' } });
    expect(batched.capabilities.has('chat')).toBe(false); // stories260K has no chat template
  });

  it("creates node-llama-cpp's context (sequences × n_ctx cells) only when a generation needs it", async () => {
    const backend = await createLlamaCppBackend({ modelPath: MODEL, nCtx: N_CTX, seed: 1, batchSize: 'auto' });
    try {
      expect(backend.info.details).toMatchObject({ scorer: 'packed' });
      await backend.loglikelihood(REQUESTS.slice(0, 4));
      expect(backend.info.settings.sequences).toBe('auto'); // the packed scorer has its own context
      const [generated] = await backend.generateUntil([
        { kind: 'generateUntil', context: 'Once upon a time', settings: { until: [], maxGenToks: 8, temperature: 0 } },
      ]);
      expect(generated!.tokens).toBeGreaterThan(0);
      expect(backend.info.settings.sequences).toBe(8); // 'auto' resolved when the context was made
    } finally {
      await backend.close();
    }
  });

  it('fails at startup, with a UserError, when the packed context cannot be made', async () => {
    const error = await createLlamaCppBackend({
      modelPath: MODEL,
      nCtx: 1 << 20,
      nBatch: 1 << 20,
      seed: 1,
      batchSize: 1,
    }).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as UserError).message).toMatch(/cannot create a llama\.cpp context \(n_ctx=1048576/);
  });

  it('turns a missing file, a non-GGUF file and bad options into UserErrors', async () => {
    const attempts = [
      { modelPath: path.join(process.env.EVALBOARD_MODEL_PATH!, 'missing.gguf'), seed: 1, batchSize: 1 },
      { modelPath: path.join(process.env.EVALBOARD_MODEL_PATH!, 'SOURCE.md'), seed: 1, batchSize: 1 },
      { modelPath: MODEL, nCtx: 4, seed: 1, batchSize: 1 },
      { modelPath: MODEL, nBatch: 0, seed: 1, batchSize: 1 },
      { modelPath: MODEL, seed: 1, batchSize: 0 },
    ] as const;
    for (const options of attempts) {
      const error = await createLlamaCppBackend(options).catch((e: unknown) => e);
      expect(isUserError(error), JSON.stringify(options)).toBe(true);
    }
    const notGguf = await createLlamaCppBackend(attempts[1]).catch((e: UserError) => e.message);
    expect(notGguf).toContain('SOURCE.md');
  });
});

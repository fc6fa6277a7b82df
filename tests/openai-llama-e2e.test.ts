import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlamaCppBackend } from '../src/backends/llamacpp/index.ts';
import { createOpenAiCompletions } from '../src/backends/openai/completions.ts';
import { type FakeOpenAiServer, startFakeOpenAiServer } from './fake-openai-server.ts';
import { listFiles, STORIES, tempDir } from './helpers.ts';
import { type LlamaEngine, llamaEngine } from './llama-engine.ts';
import { runEvalboard } from './process-helpers.ts';

/**
 * The fake server answers with the real stories260K model, as vLLM would: the API backend must
 * then give the local llamacpp backend's log-likelihoods (within 1e-4 nats) and its greedy
 * generations, character for character.
 */
const N_CTX = 512;
const TASKS = ['simplear', 'modar', 'bps', 'lcs'];

let engine: LlamaEngine;
let server: FakeOpenAiServer;
beforeAll(async () => {
  engine = await llamaEngine(STORIES, N_CTX + 2);
  server = await startFakeOpenAiServer(engine);
}, 600_000);
afterAll(async () => {
  await server?.close();
  await engine?.close();
});

interface SampleRow {
  readonly doc_id: number;
  /** The typed responses: [logprob, is_greedy] or the text (lm-eval's `resps` holds them as strings). */
  readonly evalboard: { readonly resps: unknown[][] };
}

function samplesOf(outputPath: string, task: string): SampleRow[] {
  const file = listFiles(outputPath).find((f) => f.includes(`samples_${task}_`));
  if (!file) throw new Error(`no samples for ${task} in ${outputPath}`);
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as SampleRow)
    .sort((a, b) => a.doc_id - b.doc_id);
}

async function runSynthetic(model: string, modelArgs: string): Promise<string> {
  const out = tempDir();
  const common = ['--tasks', TASKS.join(','), '--limit', '12', '--num_fewshot', '2', '--batch_size', '4'];
  const r = await runEvalboard([
    'run',
    '--model',
    model,
    '--model_args',
    modelArgs,
    ...common,
    '--output_path',
    out,
    '--log_samples',
    '--no_cache',
  ]);
  expect(r.code, r.stderr).toBe(0);
  return out;
}

describe('openai-completions against stories260K behind a vLLM-shaped server', () => {
  it('gives the llamacpp backend log-likelihoods (1e-4 nats) and greedy generations on the synthetic tasks', async () => {
    // Side by side: the server answers from this process while the local run works in its own.
    const [local, api] = await Promise.all([
      runSynthetic('llamacpp', `pretrained=${STORIES},n_ctx=${N_CTX}`),
      runSynthetic(
        'openai-completions',
        `base_url=${server.baseUrl},model=stories260K,tokenizer=${STORIES},max_length=${N_CTX},num_concurrent=4`,
      ),
    ]);
    let compared = 0;
    for (const task of TASKS) {
      const want = samplesOf(local, task);
      const got = samplesOf(api, task);
      expect(got.map((s) => s.doc_id)).toEqual(want.map((s) => s.doc_id));
      want.forEach((row, d) => {
        row.evalboard.resps.forEach((resp, k) => {
          const mine = got[d]!.evalboard.resps[k]!;
          if (typeof resp[0] === 'string') expect(mine, `${task} doc ${row.doc_id}`).toEqual(resp);
          else {
            const [wantLogprob, wantGreedy] = resp[0] as [number, boolean];
            const [gotLogprob, gotGreedy] = mine[0] as [number, boolean];
            expect(Math.abs(gotLogprob - wantLogprob), `${task} doc ${row.doc_id} choice ${k}`).toBeLessThan(1e-4);
            expect(gotGreedy).toBe(wantGreedy);
          }
          compared++;
        });
      });
    }
    expect(compared).toBeGreaterThan(100);
  }, 600_000);

  it('scores loglikelihood_rolling over several windows as the llamacpp backend does', async () => {
    const maxLength = 48;
    // lm-eval's API backends encode rolling text without special tokens: the llamacpp backend's 'context' rule.
    const local = await createLlamaCppBackend({
      modelPath: STORIES,
      nCtx: maxLength,
      seed: 1,
      batchSize: 2,
      rollingBos: 'context',
    });
    const api = await createOpenAiCompletions({
      args: { base_url: server.baseUrl, model: 'stories260K', tokenizer: STORIES, max_length: String(maxLength) },
      batchSize: 3,
      seed: 1,
      verbose: false,
    });
    const texts = [
      'Once upon a time, there was a little girl named Lily.',
      'The sun was shining. '.repeat(12),
      'Tom had a big red ball. He liked to play with it every day in the park with his dog.'.repeat(2),
    ];
    const requests = texts.map((text) => ({ kind: 'loglikelihoodRolling', text }) as const);
    const want = await local.loglikelihoodRolling(requests);
    const got = await api.loglikelihoodRolling(requests);
    expect(got.map((r) => r.tokens)).toEqual(want.map((r) => r.tokens));
    expect(want[1]!.tokens).toBeGreaterThan(2 * maxLength);
    for (const [i, r] of got.entries()) expect(Math.abs(r.logprob - want[i]!.logprob)).toBeLessThan(1e-4);
    await local.close();
    await api.close();
  });

  it('without a tokenizer finds the continuation by the server text offsets, scoring as the token-id path does', async () => {
    const open = (tokenizer: string) =>
      createOpenAiCompletions({
        args: { base_url: server.baseUrl, model: 'stories260K', tokenizer },
        batchSize: 2,
        seed: 1,
        verbose: false,
      });
    const [ids, text] = await Promise.all([open(STORIES), open('none')]);
    const requests = [
      { kind: 'loglikelihood', context: 'Once upon a time, there was a little', continuation: ' girl' },
      // The context's trailing space moves to the continuation, on both paths.
      { kind: 'loglikelihood', context: 'Once upon a time, there was a little ', continuation: 'dog named Max.' },
      { kind: 'loglikelihood', context: 'Tom liked to play.', continuation: ' He was happy' },
      { kind: 'loglikelihood', context: '', continuation: 'Lily went home' },
    ] as const;
    const byIds = await ids.loglikelihood(requests);
    const byOffsets = await text.loglikelihood(requests);
    expect(byOffsets.map((r) => r.tokens)).toEqual(byIds.map((r) => r.tokens));
    expect(byIds.map((r) => r.tokens).every((n) => n >= 1)).toBe(true);
    for (const [i, r] of byOffsets.entries()) {
      expect(Math.abs(r.logprob - byIds[i]!.logprob)).toBeLessThan(1e-9);
      expect(r.isGreedy).toBe(byIds[i]!.isGreedy);
    }
    await ids.close();
    await text.close();
  });
});

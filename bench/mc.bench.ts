/**
 * Benchmark 2, multiple choice through the llamacpp backend: ARC-Challenge 0-shot and MMLU 5-shot
 * (first --items documents, default 500; MMLU over bench/lib/workloads.ts's MMLU_SUBJECTS, the
 * peers benchmark's items), unique tokens per second (question once plus every ending, as
 * llama-perplexity counts: bench/lib/unique-tokens.ts), as a ratio of raw
 * node-llama-cpp evaluation of as many tokens in full batches (benchmark 1's figure), same run,
 * same model. EVALBOARD_LLAMA_BINARY=prebuilt runs it on the prebuilt binary.
 *
 *   npm run bench -- mc [--items 500] [--batch_size auto] [--tasks arc,mmlu] [--n_ctx N] [--n_batch N] [--flash_attention]
 *   npm run bench -- mc --check 30     worst |Δ| across batch sizes 1/8/64/auto, reversed order and the
 *                                      naive fallback (ARC), with each run's time
 */
import { createLlamaCppBackend } from '../src/backends/llamacpp/index.ts';
import type { LlamaCppBackend } from '../src/backends/llamacpp/backend.ts';
import { rawEvaluationRate } from './lib/raw-evaluation.ts';
import { workloadUniqueTokens } from './lib/unique-tokens.ts';
import { argValue, benchModel, MMLU_SUBJECTS, machineLine, mcWorkload } from './lib/workloads.ts';

const WORKLOADS = { arc: ['arc_challenge', 0], mmlu: [MMLU_SUBJECTS, 5] } as const;
const ARC_GOAL_TOK_S = 0.9 * 394; // llama-perplexity --multiple-choice on this machine kind (issue #18)

/**
 * Scores the first `items` ARC items with 1, 8, 64 and auto sequences, in reversed order, and on the
 * naive path that runs without the native helper (EVALBOARD_NATIVE_HELPER=0); prints the worst |Δ|
 * against batch 1 and each run's scoring time.
 */
async function checkInvariance(modelPath: string, items: number, flashAttention: boolean): Promise<void> {
  const requests = (await mcWorkload('arc_challenge', 0, items)).byItem.flat();
  const runs: { name: string; logprobs: number[]; greedy: boolean[]; seconds: number }[] = [];
  for (const [name, batchSize, reversed, scoring] of [
    ['1', 1, false, 'packed'],
    ['8', 8, false, 'packed'],
    ['64', 64, false, 'packed'],
    ['8 reversed', 8, true, 'packed'],
    ['auto', 'auto', false, 'packed'],
    ['8, naive scorer,', 8, false, 'naive'],
  ] as const) {
    if (scoring === 'naive') process.env.EVALBOARD_NATIVE_HELPER = '0';
    const backend = await createLlamaCppBackend({ modelPath, seed: 0, batchSize, nCtx: 512, flashAttention });
    delete process.env.EVALBOARD_NATIVE_HELPER;
    const input = reversed ? [...requests].reverse() : requests;
    await backend.loglikelihood(input.slice(0, 4)); // untimed warm-up
    const t0 = performance.now();
    let results = await backend.loglikelihood(input);
    const seconds = (performance.now() - t0) / 1000;
    if (reversed) results = [...results].reverse();
    runs.push({ name, logprobs: results.map((r) => r.logprob), greedy: results.map((r) => r.isGreedy), seconds });
    await backend.close();
  }
  const base = runs[0]!;
  process.stdout.write(`batch 1: ${base.seconds.toFixed(1)} s\n`);
  for (const run of runs.slice(1)) {
    let worst = 0;
    let changedPredictions = 0;
    for (let i = 0; i < requests.length; i++) worst = Math.max(worst, Math.abs(run.logprobs[i]! - base.logprobs[i]!));
    for (let item = 0; item < requests.length; item += 4) {
      const pick = (l: number[]) => l.slice(item, item + 4).reduce((b, v, k, a) => (v > a[b]! ? k : b), 0);
      if (pick(run.logprobs) !== pick(base.logprobs)) changedPredictions++;
    }
    const greedyChanged = run.greedy.filter((g, i) => g !== base.greedy[i]).length;
    process.stdout.write(
      `batch ${run.name} vs 1: worst |Δ| ${worst.toExponential(2)} nats over ${requests.length} requests, ${changedPredictions} predictions changed, ${greedyChanged} is_greedy changed, ${run.seconds.toFixed(1)} s\n`,
    );
  }
}

export default async function mc(args: string[]): Promise<void> {
  const check = argValue(args, '--check');
  const flashAttention = args.includes('--flash_attention');
  if (check) return checkInvariance(benchModel(), Number(check), flashAttention);
  const items = Number(argValue(args, '--items') ?? 500);
  const batchArg = argValue(args, '--batch_size') ?? 'auto';
  const batchSize = batchArg === 'auto' ? 'auto' : Number(batchArg);
  const which = (argValue(args, '--tasks') ?? 'arc,mmlu').split(',') as (keyof typeof WORKLOADS)[];
  const modelPath = benchModel();
  const nCtx = argValue(args, '--n_ctx');
  const nBatch = argValue(args, '--n_batch');
  const backend = (await createLlamaCppBackend({
    modelPath,
    seed: 0,
    batchSize,
    ...(nCtx && { nCtx: Number(nCtx) }),
    ...(nBatch && { nBatch: Number(nBatch) }),
    flashAttention,
  })) as LlamaCppBackend;
  const details = backend.info.details as Record<string, unknown>;
  process.stdout.write(`machine: ${machineLine()}\n`);
  process.stdout.write(
    `binary: ${details.binary} llama.cpp ${details.llamaCpp}, logits: ${details.logitReader}, settings ${JSON.stringify(backend.info.settings)}\n`,
  );
  try {
    for (const name of which) {
      const [pattern, shots] = WORKLOADS[name];
      const workload = await mcWorkload(pattern, shots, items);
      const requests = workload.byItem.flat();
      // Untimed warm-up: the first decodes page the model in and size llama.cpp's buffers (seconds).
      await backend.loglikelihood(workload.byItem.slice(0, 4).flat());
      const t0 = performance.now();
      await backend.loglikelihood(requests);
      const seconds = (performance.now() - t0) / 1000;
      const s = backend.lastScoringStats;
      // The peers' definition (bench/lib/unique-tokens.ts), not the trie's count.
      const unique = workloadUniqueTokens(
        workload.byItem.map((choices) => choices.map((c) => backend.scoringTokens(c))),
      );
      const rate = unique / seconds;
      const raw = await rawEvaluationRate(modelPath, unique, { flashAttention });
      process.stdout.write(
        `${workload.name}, ${workload.items} items, ${requests.length} requests: ${unique} unique tokens (question once + every ending; trie ${s.uniqueTokens}) in ${seconds.toFixed(1)} s = ${rate.toFixed(1)} tok/s` +
          ` | ${describeScoring(s)}, ${((s.decodeMs! / 1000 / seconds) * 100).toFixed(0)}% of the time in llama_decode` +
          ` | raw full batches ${raw.toFixed(1)} tok/s → ratio ${(rate / raw).toFixed(3)} (goal ≥ 0.9)` +
          (name === 'arc' ? `, vs 0.9 × llama-perplexity ${(rate / ARC_GOAL_TOK_S).toFixed(2)}` : '') +
          ` | load ${machineLine().split('load ')[1]}\n`,
      );
    }
  } finally {
    await backend.close();
  }
}

/** What the scorer did: packed (unified KV, scoring/packed-scoring.ts) or naive (each request alone). */
function describeScoring(s: Record<string, number>): string {
  if (s.units !== undefined)
    return `packed: evaluated ${s.realTokens} (+${s.paddingTokens} filler, +${s.copiedTokens} copied; ${s.headerTokens} in resident paths) in ${s.decodes} decodes, ${s.units} units`;
  return `naive: evaluated ${s.realTokens} tokens for ${s.requests} requests, one at a time`;
}

/**
 * evalboard beside llama.cpp's own tools on the same GGUF, the same items and threads, one after the
 * other in this process tree (issue 26). The peers are built from the llama.cpp source node-llama-cpp
 * ships (bench/lib/peers-build.ts, once, cached).
 *
 * 1. Multiple choice: ARC-Challenge 0-shot and MMLU 5-shot (bench/lib/workloads.ts's MMLU_SUBJECTS)
 *    through `llama-perplexity --multiple-choice` (its defaults, flash attention auto = on, and
 *    `-fa off`) and evalboard's llamacpp backend (default and flash_attn=true). Unique tokens: one
 *    definition for both (bench/lib/unique-tokens.ts), per second of wall time.
 * 2. Generation: GSM8K 8-shot greedy, max_gen_toks 256, through `llama-server` (8 slots, prompt cache,
 *    8 requests in flight) and evalboard's generate_until with 8 sequences. Generated tokens/s.
 * 3. Raw ceilings on node-llama-cpp: prefill of the same unique tokens in full batches, greedy decode
 *    of 1 and of 8 sequences.
 *
 *   npm run bench -- peers [--model stories|135m|PATH] [--arc 500] [--mmlu 500] [--gsm8k 200]
 *     [--max_gen_toks 256] [--slots 8] [--sampler first_n|default] [--n_ctx 4096] [--only mc|gen|raw]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LlamaCppBackend } from '../src/backends/llamacpp/backend.ts';
import { createLlamaCppBackend } from '../src/backends/llamacpp/index.ts';
import type { GenerateRequest, LoglikelihoodResult } from '../src/requests/types.ts';
import { completeAll, peerTask, runPerplexity, startServer, writeMultipleChoiceFile } from './lib/peer-run.ts';
import { ensurePeers, type Peers } from './lib/peers-build.ts';
import { rawDecodeRate, rawEvaluationRate } from './lib/raw-evaluation.ts';
import { workloadUniqueTokens } from './lib/unique-tokens.ts';
import { argValue, benchModel, generationWorkload, machineLine, MMLU_SUBJECTS, mcWorkload } from './lib/workloads.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

function modelPath(arg: string | undefined): string {
  if (arg === undefined || arg === 'stories') return resolve(PROJECT_ROOT, '../shared/models/stories260K.gguf');
  if (arg === '135m') return benchModel();
  return resolve(arg);
}

/** Runs `work`, which says when its timed part started; seconds from then to its end. */
async function timed<T>(work: () => Promise<{ started: number; value: T }>): Promise<{ seconds: number; value: T }> {
  const { started, value } = await work();
  return { seconds: (performance.now() - started) / 1000, value };
}

const load = () => machineLine().split('load ')[1];
const out = (line: string) => process.stdout.write(`${line}\n`);

/** The pick llama-perplexity makes: the highest mean log-probability per token. */
function peerPick(results: readonly LoglikelihoodResult[]): number {
  let best = 0;
  for (let i = 1; i < results.length; i++)
    if (results[i]!.logprob / results[i]!.tokens > results[best]!.logprob / results[best]!.tokens) best = i;
  return best;
}

/** lm-eval's acc: the highest summed log-probability. */
function accPick(results: readonly LoglikelihoodResult[]): number {
  let best = 0;
  for (let i = 1; i < results.length; i++) if (results[i]!.logprob > results[best]!.logprob) best = i;
  return best;
}

async function multipleChoice(
  peers: Peers,
  model: string,
  o: { items: number; which: 'arc' | 'mmlu'; nCtx: number; threads: number; dir: string },
) {
  const workload =
    o.which === 'arc' ? await mcWorkload('arc_challenge', 0, o.items) : await mcWorkload(MMLU_SUBJECTS, 5, o.items);
  const requests = workload.byItem.flat();
  const file = join(o.dir, `${o.which}.bin`);
  writeMultipleChoiceFile(
    file,
    workload.byItem.map((choices, i) =>
      peerTask(
        choices[0]!.context,
        choices.map((c) => c.continuation),
        workload.gold[i]!,
      ),
    ),
  );
  const peerArgs = ['-c', String(o.nCtx), '-t', String(o.threads)];
  const peerRuns = [];
  for (const [mode, extra] of [
    ['default (flash attention auto)', []],
    ['-fa off', ['-fa', 'off']],
  ] as const) {
    const run = await runPerplexity(peers, model, file, [...peerArgs, ...extra]);
    peerRuns.push({ mode, ...run });
  }
  let unique = 0;
  const ours = [];
  for (const flashAttention of [false, true]) {
    const backend = (await createLlamaCppBackend({
      modelPath: model,
      seed: 0,
      batchSize: 'auto',
      nCtx: o.nCtx,
      nThreads: o.threads,
      flashAttention,
    })) as LlamaCppBackend;
    try {
      if (unique === 0) {
        const tokens = workload.byItem.map((choices) => choices.map((c) => backend.scoringTokens(c)));
        unique = workloadUniqueTokens(tokens);
        const longest = Math.max(...tokens.flat().map((t) => t.context.length + t.continuation.length));
        if (longest > o.nCtx) out(`warning: a request has ${longest} tokens > n_ctx ${o.nCtx}: evalboard truncates it`);
      }
      await backend.loglikelihood(workload.byItem.slice(0, 4).flat()); // untimed warm-up
      const t0 = performance.now();
      const results = await backend.loglikelihood(requests);
      const seconds = (performance.now() - t0) / 1000;
      const perItem: LoglikelihoodResult[][] = [];
      let k = 0;
      for (const choices of workload.byItem) {
        perItem.push(results.slice(k, k + choices.length));
        k += choices.length;
      }
      const peerCorrect = perItem.map((r, i) => peerPick(r) === workload.gold[i]);
      const acc = perItem.filter((r, i) => accPick(r) === workload.gold[i]).length / perItem.length;
      ours.push({ mode: flashAttention ? 'flash_attn=true' : 'default', seconds, peerCorrect, acc });
    } finally {
      await backend.close();
    }
  }
  out(
    `\n## ${workload.name}, ${workload.items} items, ${requests.length} requests, ${unique} unique tokens (question once + every ending)`,
  );
  for (const p of peerRuns)
    out(
      `llama-perplexity ${p.mode}: ${p.seconds.toFixed(1)} s = ${(unique / p.seconds).toFixed(1)} unique tok/s, accuracy (mean log-prob per token) ${(100 * p.accuracy).toFixed(1)} % | load ${load()}`,
    );
  for (const e of ours) {
    const ratios = peerRuns.map((p) => `${(p.seconds / e.seconds).toFixed(2)}× of ${p.mode}`).join(', ');
    const agree = peerRuns.map((p) => e.peerCorrect.filter((c, i) => c === p.correct[i]).length);
    out(
      `evalboard ${e.mode}: ${e.seconds.toFixed(1)} s = ${(unique / e.seconds).toFixed(1)} unique tok/s → ${ratios}; acc ${(100 * e.acc).toFixed(1)} %;` +
        ` per-item correctness by the peer's rule equal to the peer's on ${agree.join(' / ')} of ${peerRuns.map((p) => p.correct.length).join(' / ')} items the peer reported | load ${load()}`,
    );
  }
  return unique;
}

async function generation(
  peers: Peers,
  model: string,
  o: { items: number; maxGenToks: number; slots: number; sampler: 'first_n' | 'default'; threads: number },
) {
  const { name, requests } = await generationWorkload('gsm8k', 8, o.items, o.maxGenToks, o.sampler);
  // n_ctx: the longest prompt plus max_gen_toks, so that neither tool truncates.
  const probe = (await createLlamaCppBackend({ modelPath: model, seed: 0, batchSize: 1, nCtx: 64 })) as LlamaCppBackend;
  const longest = Math.max(...requests.map((r) => probe.countTokens(r.context) + 1));
  await probe.close();
  const nCtx = longest + o.maxGenToks + 16;

  const server = await startServer(peers, model, [
    '-c',
    String(nCtx * o.slots),
    '-np',
    String(o.slots),
    '-t',
    String(o.threads),
    '--no-webui',
  ]);
  const prompts = requests.map((r) => ({
    prompt: r.context,
    stop: r.settings.until,
    maxTokens: r.settings.maxGenToks,
  }));
  const peer = await timed(async () => {
    try {
      await completeAll(server.port, [{ ...prompts[0]!, maxTokens: 2 }], 1); // untimed warm-up
      const started = performance.now();
      return { started, value: await completeAll(server.port, prompts, o.slots) };
    } finally {
      await server.stop();
    }
  });
  const backend = await createLlamaCppBackend({
    modelPath: model,
    seed: 0,
    batchSize: o.slots,
    nCtx,
    nThreads: o.threads,
  });
  const ours = await timed(async () => {
    try {
      const warm = requests.slice(0, o.slots).map((r) => ({ ...r, settings: { ...r.settings, maxGenToks: 2 } }));
      await backend.generateUntil(warm as GenerateRequest[]); // untimed warm-up
      const started = performance.now();
      return { started, value: await backend.generateUntil(requests) };
    } finally {
      await backend.close();
    }
  });
  const peerTokens = peer.value.reduce((n, c) => n + c.tokens, 0);
  const ourTokens = ours.value.reduce((n, r) => n + r.tokens, 0);
  const same = ours.value.filter((r, i) => r.text === peer.value[i]!.text).length;
  const peerRate = peerTokens / peer.seconds;
  const ourRate = ourTokens / ours.seconds;
  out(
    `\n## ${name}, ${requests.length} items, greedy, max_gen_toks ${o.maxGenToks}, longest prompt ${longest} tokens, n_ctx ${nCtx}`,
  );
  out(
    `llama-server (${o.slots} slots, prompt cache, ${o.slots} requests in flight, flash attention auto): ${peerTokens} tokens in ${peer.seconds.toFixed(1)} s = ${peerRate.toFixed(1)} generated tok/s | load ${load()}`,
  );
  out(
    `evalboard (${o.slots} sequences): ${ourTokens} tokens in ${ours.seconds.toFixed(1)} s = ${ourRate.toFixed(1)} generated tok/s → ${(peer.seconds / ours.seconds).toFixed(2)}× the peer's wall time, ${(ourRate / peerRate).toFixed(2)}× its tok/s;` +
      ` identical generations ${same}/${requests.length} | load ${load()}`,
  );
}

export default async function peers(args: string[]): Promise<void> {
  const model = modelPath(argValue(args, '--model'));
  const only = argValue(args, '--only');
  const threads = Number(argValue(args, '--threads') ?? availableParallelism());
  const nCtx = Number(argValue(args, '--n_ctx') ?? 4096);
  const needed = ({ mc: ['perplexity'], gen: ['server'], raw: [] } as const)[only as 'mc' | 'gen' | 'raw'] ?? [
    'perplexity',
    'server',
  ];
  const built = await ensurePeers(needed);

  out(`machine: ${machineLine()}`);
  out(`model: ${model}; ${threads} threads; peers linked to ${built.linkedTo}`);
  const dir = mkdtempSync(join(tmpdir(), 'evalboard-peers-'));
  try {
    const uniques: number[] = [];
    if (!only || only === 'mc')
      for (const which of ['arc', 'mmlu'] as const) {
        const items = Number(argValue(args, `--${which}`) ?? 500);
        if (items > 0) uniques.push(await multipleChoice(built, model, { items, which, nCtx, threads, dir }));
      }
    if (!only || only === 'gen') {
      const items = Number(argValue(args, '--gsm8k') ?? 200);
      const sampler = (argValue(args, '--sampler') ?? 'first_n') as 'first_n' | 'default';
      if (items > 0)
        await generation(built, model, {
          items,
          maxGenToks: Number(argValue(args, '--max_gen_toks') ?? 256),
          slots: Number(argValue(args, '--slots') ?? 8),
          sampler,
          threads,
        });
    }
    if (!only || only === 'raw') {
      out('\n## raw ceilings (node-llama-cpp, same binary and threads)');
      const unique = uniques[0] ?? 10_000;
      for (const flashAttention of [false, true])
        out(
          `prefill of ${unique} tokens in full 512-token batches, flash attention ${flashAttention ? 'on' : 'off'}: ${(await rawEvaluationRate(model, unique, { flashAttention })).toFixed(1)} tok/s | load ${load()}`,
        );
      for (const sequences of [1, 8])
        out(
          `greedy decode, ${sequences} sequence(s) × 128 tokens: ${(await rawDecodeRate(model, sequences, 128)).toFixed(1)} generated tok/s | load ${load()}`,
        );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

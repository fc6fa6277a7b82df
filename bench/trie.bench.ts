/**
 * Benchmark 3, prefix sharing on MMLU 5-shot (first --items documents, default 500):
 * tokens evaluated ÷ unique trie tokens (goal ≤ 1.1), and the speed-up over llama-perplexity's
 * scheme (each item's full context once: one backend call per item) and lm-eval's (each request
 * alone: one call per request). The two baselines are timed on the first --sample items and their
 * totals extrapolated by token count; the trie run is timed whole.
 *
 *   npm run bench -- trie [--items 500] [--sample 20]
 */
import type { LlamaCppBackend } from '../src/backends/llamacpp/backend.ts';
import { createLlamaCppBackend } from '../src/backends/llamacpp/index.ts';
import { argValue, benchModel, machineLine, mcWorkload } from './lib/workloads.ts';

export default async function trie(args: string[]): Promise<void> {
  const items = Number(argValue(args, '--items') ?? 500);
  const sample = Number(argValue(args, '--sample') ?? 20);
  const backend = (await createLlamaCppBackend({
    modelPath: benchModel(),
    seed: 0,
    batchSize: 'auto',
  })) as LlamaCppBackend;
  process.stdout.write(`machine: ${machineLine()}; binary ${(backend.info.details as { binary: string }).binary}\n`);
  try {
    const workload = await mcWorkload('mmlu', 5, items);
    const t0 = performance.now();
    await backend.loglikelihood(workload.byItem.flat());
    const trieSeconds = (performance.now() - t0) / 1000;
    const s = backend.lastScoringStats;
    const copied = s.copiedTokens ?? 0;
    const evaluated = s.realTokens! + s.paddingTokens! + copied;
    process.stdout.write(
      `${workload.name}, ${workload.items} items: unique ${s.uniqueTokens}, evaluated ${s.realTokens} + ${s.paddingTokens} padding + ${copied} copied` +
        ` → ${(evaluated / s.uniqueTokens!).toFixed(3)} (goal ≤ 1.1; ${(s.realTokens! / s.uniqueTokens!).toFixed(3)} without padding), ${trieSeconds.toFixed(1)} s\n`,
    );
    // Baselines on the first `sample` items: one call per item, then one call per request.
    const head = workload.byItem.slice(0, sample);
    let perItemTokens = 0;
    const t1 = performance.now();
    for (const requests of head) {
      await backend.loglikelihood(requests);
      perItemTokens += backend.lastScoringStats.realTokens!;
    }
    const perItemSeconds = (performance.now() - t1) / 1000;
    let perRequestTokens = 0;
    const t2 = performance.now();
    for (const request of head.flat()) {
      await backend.loglikelihood([request]);
      perRequestTokens += backend.lastScoringStats.realTokens!;
    }
    const perRequestSeconds = (performance.now() - t2) / 1000;
    // Extrapolated to the whole workload by tokens: the sample's seconds per token × all items' tokens.
    const scale = workload.items / head.length;
    const perItemTotal = perItemSeconds * scale;
    const perRequestTotal = perRequestSeconds * scale;
    process.stdout.write(
      `per item (llama-perplexity): ${perItemTokens} tokens for ${head.length} items in ${perItemSeconds.toFixed(1)} s → ~${perItemTotal.toFixed(0)} s for all; speed-up ${(perItemTotal / trieSeconds).toFixed(1)}× (goal ≥ 4)\n` +
        `per request (lm-eval): ${perRequestTokens} tokens in ${perRequestSeconds.toFixed(1)} s → ~${perRequestTotal.toFixed(0)} s; speed-up ${(perRequestTotal / trieSeconds).toFixed(1)}×\n` +
        `load ${machineLine().split('load ')[1]}\n`,
    );
  } finally {
    await backend.close();
  }
}

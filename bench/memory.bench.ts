/**
 * Benchmark 6, peak RSS of an MMLU 5-shot run on the 135M model (goal < 2 GB): the first --items
 * documents (default all 14,042; pass --items to sample) through the backend, RSS sampled every
 * 100 ms. A sampled run's time is extrapolated by items; the trie's memory does not grow with the
 * run beyond its token lists (reported too).
 *
 *   npm run bench -- memory [--items 1000] [--layers 2]
 *
 * --layers runs the same shape with fewer layers: the requests, trie and per-request state (what
 * grows with the run) are the same, the model's weights and KV cache smaller, and it runs ~10×
 * faster, so a full run fits in minutes. Add back the 30-layer model's fixed memory to compare.
 */
import { memoryUsage } from 'node:process';
import { createLlamaCppBackend } from '../src/backends/llamacpp/index.ts';
import { argValue, benchModel, machineLine, mcWorkload } from './lib/workloads.ts';

export default async function memory(args: string[]): Promise<void> {
  const items = Number(argValue(args, '--items') ?? 14_042);
  let peak = memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, memoryUsage.rss());
  }, 100);
  try {
    const workload = await mcWorkload('mmlu', 5, items);
    const afterLoad = memoryUsage.rss();
    const layers = argValue(args, '--layers');
    const backend = await createLlamaCppBackend({
      modelPath: benchModel(layers === undefined ? undefined : Number(layers)),
      seed: 0,
      batchSize: 'auto',
    });
    const t0 = performance.now();
    await backend.loglikelihood(workload.byItem.flat());
    const seconds = (performance.now() - t0) / 1000;
    await backend.close();
    const mb = (n: number) => (n / 2 ** 20).toFixed(0);
    process.stdout.write(
      `machine: ${machineLine()}\nmmlu 5-shot, ${workload.items} items${layers ? `, ${layers}-layer model` : ''}: peak RSS ${mb(peak)} MiB (goal < 2048), after building requests ${mb(afterLoad)} MiB;` +
        ` ${seconds.toFixed(0)} s → ~${((seconds * 14_042) / workload.items / 3600).toFixed(1)} h for all 14,042 items\n`,
    );
  } finally {
    clearInterval(timer);
  }
}

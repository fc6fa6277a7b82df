/**
 * Benchmark 1, the ceiling: raw node-llama-cpp evaluation (public API, one sequence, full n_batch
 * decodes, no outputs read) of --tokens tokens, on the local native build and on the prebuilt
 * binary, each in its own process (one binding per process), same model and thread count.
 *
 *   npm run bench -- limit [--tokens 10814]
 */
import { spawnSync } from 'node:child_process';
import { getSharedLlama } from '../src/backends/llamacpp/load.ts';
import { rawEvaluationRate } from './lib/raw-evaluation.ts';
import { argValue, benchModel, machineLine } from './lib/workloads.ts';

export default async function limit(args: string[]): Promise<void> {
  const tokens = Number(argValue(args, '--tokens') ?? 10_814); // issue #18's 200 ARC questions
  if (args.includes('--child')) {
    const llama = await getSharedLlama(false);
    const rate = await rawEvaluationRate(benchModel(), tokens);
    process.stdout.write(`${JSON.stringify({ binary: llama.buildType, rate })}\n`);
    return;
  }
  const model = benchModel();
  process.stdout.write(`machine: ${machineLine()}\nmodel: ${model}, ${tokens} tokens, n_batch 512\n`);
  const rates: Record<string, number> = {};
  for (const binary of ['native', 'prebuilt']) {
    const r = spawnSync('npx', ['tsx', 'bench/run.ts', 'limit', '--child', '--tokens', String(tokens)], {
      encoding: 'utf8',
      env: { ...process.env, ...(binary === 'prebuilt' && { EVALBOARD_LLAMA_BINARY: 'prebuilt' }) },
    });
    const line = r.stdout.trim().split('\n').at(-1) ?? '';
    const { binary: loaded, rate } = JSON.parse(line) as { binary: string; rate: number };
    rates[binary] = rate;
    process.stdout.write(`${binary} (${loaded}): ${rate.toFixed(1)} tok/s | load ${machineLine().split('load ')[1]}\n`);
  }
  process.stdout.write(`native / prebuilt = ${(rates.native! / rates.prebuilt!).toFixed(2)}\n`);
}

/**
 * Benchmark 4, greedy generate_until over many prompts (the first --prompts ARC-Challenge
 * questions, --tokens new tokens each, no stop strings) through the backend, against raw
 * node-llama-cpp generation of the same prompts (sequence.evaluate, temperature 0, the same
 * number of sequences decoding in one batch). Goal ≥ 0.9.
 *
 *   npm run bench -- generate [--prompts 32] [--tokens 32] [--sequences 8]
 */
import type { Token } from 'node-llama-cpp';
import { createLlamaCppBackend } from '../src/backends/llamacpp/index.ts';
import { getSharedLlama } from '../src/backends/llamacpp/load.ts';
import type { GenerateRequest } from '../src/requests/types.ts';
import { argValue, benchModel, machineLine, mcWorkload } from './lib/workloads.ts';

export default async function generate(args: string[]): Promise<void> {
  const prompts = Number(argValue(args, '--prompts') ?? 32);
  const newTokens = Number(argValue(args, '--tokens') ?? 32);
  const sequences = Number(argValue(args, '--sequences') ?? 8);
  const modelPath = benchModel();
  const contexts = (await mcWorkload('arc_challenge', 0, prompts)).byItem.map((r) => r[0]!.context);
  const requests: GenerateRequest[] = contexts.map((context) => ({
    kind: 'generateUntil',
    context,
    settings: { until: [], maxGenToks: newTokens, temperature: 0 },
  })) as GenerateRequest[];
  process.stdout.write(`machine: ${machineLine()}\n`);

  const backend = await createLlamaCppBackend({ modelPath, seed: 0, batchSize: sequences, nCtx: 512 });
  // Both sides get an untimed warm-up: the first decodes page the model in (seconds).
  await backend.generateUntil(
    requests.slice(0, sequences).map((r) => ({ ...r, settings: { ...r.settings, maxGenToks: 2 } })),
  );
  const t0 = performance.now();
  const results = await backend.generateUntil(requests);
  const backendSeconds = (performance.now() - t0) / 1000;
  const generated = results.reduce((n, r) => n + r.tokens, 0);
  await backend.close();

  const llama = await getSharedLlama(false);
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({
    contextSize: 513,
    sequences,
    threads: llama.cpuMathCores,
    flashAttention: false,
  });
  const pool = Array.from({ length: sequences }, () => context.getSequence());
  await pool[0]!.evaluateWithoutGeneratingNewTokens(model.tokenize(contexts[0]!, true) as Token[]);
  await pool[0]!.clearHistory();
  let next = 0;
  let rawTokens = 0;
  const t1 = performance.now();
  await Promise.all(
    pool.map(async (sequence) => {
      while (next < contexts.length) {
        const prompt = model.tokenize(contexts[next++]!, true) as Token[];
        await sequence.clearHistory();
        let n = 0;
        for await (const _ of sequence.evaluate(prompt, { temperature: 0 })) if (++n >= newTokens) break;
        rawTokens += n;
      }
    }),
  );
  const rawSeconds = (performance.now() - t1) / 1000;
  await model.dispose();
  const backendRate = generated / backendSeconds;
  const rawRate = rawTokens / rawSeconds;
  process.stdout.write(
    `${prompts} prompts × ${newTokens} tokens, ${sequences} sequences (${llama.buildType}): backend ${generated} tokens in ${backendSeconds.toFixed(1)} s = ${backendRate.toFixed(1)} tok/s;` +
      ` raw node-llama-cpp ${rawTokens} in ${rawSeconds.toFixed(1)} s = ${rawRate.toFixed(1)} tok/s → ratio ${(backendRate / rawRate).toFixed(2)} (goal ≥ 0.9)` +
      ` | load ${machineLine().split('load ')[1]}\n`,
  );
}

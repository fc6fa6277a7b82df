/**
 * What the naive fallback costs: the same multiple-choice requests scored by the packed scorer and
 * by the naive path that runs without the native helper (EVALBOARD_NATIVE_HELPER=0), in one
 * process, batch size 8, each timed after an untimed warm-up. The factor goes into factory.ts's
 * notice and bench/README.md.
 *
 *   npm run bench -- naive [--items 30] [--tasks arc|mmlu] [--layers 4] [--model stories]
 */
import { join } from 'node:path';
import { createLlamaCppBackend } from '../src/backends/llamacpp/index.ts';
import { argValue, benchModel, machineLine, mcWorkload } from './lib/workloads.ts';

const WORKLOADS = { arc: ['arc_challenge', 0], mmlu: ['mmlu', 5] } as const;
const STORIES = join(new URL('../../shared/models', import.meta.url).pathname, 'stories260K.gguf');

export default async function naive(args: string[]): Promise<void> {
  const items = Number(argValue(args, '--items') ?? 30);
  const [pattern, shots] = WORKLOADS[(argValue(args, '--tasks') ?? 'arc') as keyof typeof WORKLOADS];
  const layers = argValue(args, '--layers');
  const modelPath = argValue(args, '--model') === 'stories' ? STORIES : benchModel(layers ? Number(layers) : undefined);
  const requests = (await mcWorkload(pattern, shots, items)).byItem.flat();
  process.stdout.write(
    `machine: ${machineLine()}; ${modelPath}, ${pattern} ${shots}-shot, ${requests.length} requests\n`,
  );
  const seconds: Record<string, number[]> = { packed: [], naive: [] };
  for (const scorer of ['packed', 'naive', 'packed'] as const) {
    if (scorer === 'naive') process.env.EVALBOARD_NATIVE_HELPER = '0';
    const backend = await createLlamaCppBackend({ modelPath, seed: 0, batchSize: 8, nCtx: 2048 });
    delete process.env.EVALBOARD_NATIVE_HELPER;
    try {
      await backend.loglikelihood(requests.slice(0, 4)); // pages the model in, sizes llama.cpp's buffers
      const t0 = performance.now();
      await backend.loglikelihood(requests);
      seconds[scorer]!.push((performance.now() - t0) / 1000);
    } finally {
      await backend.close();
    }
  }
  const packed = Math.min(...seconds.packed!);
  const slow = seconds.naive![0]!;
  process.stdout.write(
    `packed ${seconds.packed!.map((s) => s.toFixed(2)).join(' / ')} s, naive ${slow.toFixed(2)} s → naive ÷ fastest packed = ${(slow / packed).toFixed(1)}×\n`,
  );
}

/**
 * The numerics contract (docs/numerics.md), measured: the packed scorer against the naive
 * evaluation (each request alone in a fresh context, contiguous cells: the path without the native
 * helper), per attention mode, on shipped multiple-choice benchmarks; and against itself across
 * batch sizes and order (must be bit-identical). Prints the worst |Δ| in nats, how many argmax
 * predictions (acc: summed log-probability; acc_norm: per byte) change, and each run's scoring time.
 *
 *   npm run bench -- contract [--model stories|135m|PATH] [--items 50] [--tasks arc_easy:0,arc_challenge:0,...]
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLlamaCppBackend } from '../src/backends/llamacpp/index.ts';
import type { LoglikelihoodRequest } from '../src/requests/types.ts';
import { argValue, benchModel, machineLine, mcWorkload } from './lib/workloads.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));
const DEFAULT_TASKS =
  'arc_easy:0,arc_challenge:0,mmlu_astronomy:5,mmlu_college_biology:5,truthfulqa_mc1_csv:0,leaderboard_bbh_navigate:3';

interface Run {
  readonly logprobs: number[];
  readonly seconds: number;
}

async function score(
  modelPath: string,
  requests: readonly LoglikelihoodRequest[],
  o: { naive?: boolean; flashAttention: boolean; batchSize: number | 'auto'; reversed?: boolean },
): Promise<Run> {
  if (o.naive) process.env.EVALBOARD_NATIVE_HELPER = '0';
  const backend = await createLlamaCppBackend({
    modelPath,
    seed: 0,
    batchSize: o.batchSize,
    nCtx: 2048,
    flashAttention: o.flashAttention,
  });
  delete process.env.EVALBOARD_NATIVE_HELPER;
  try {
    const input = o.reversed ? [...requests].reverse() : requests;
    await backend.loglikelihood(input.slice(0, 2)); // untimed warm-up
    const t0 = performance.now();
    let results = await backend.loglikelihood(input);
    const seconds = (performance.now() - t0) / 1000;
    if (o.reversed) results = [...results].reverse();
    return { logprobs: results.map((r) => r.logprob), seconds };
  } finally {
    await backend.close();
  }
}

function compare(
  a: Run,
  b: Run,
  items: readonly (readonly LoglikelihoodRequest[])[],
): { worst: number; differ: number; accChanged: number; normChanged: number } {
  let worst = 0;
  let differ = 0;
  for (let i = 0; i < a.logprobs.length; i++) {
    const d = Math.abs(a.logprobs[i]! - b.logprobs[i]!);
    worst = Math.max(worst, d);
    if (a.logprobs[i] !== b.logprobs[i]) differ++;
  }
  let accChanged = 0;
  let normChanged = 0;
  let k = 0;
  for (const choices of items) {
    const pick = (values: number[], norm: boolean) => {
      let best = 0;
      for (let c = 1; c < choices.length; c++) {
        const v = (i: number) => values[k + i]! / (norm ? Buffer.byteLength(choices[i]!.continuation) : 1);
        if (v(c) > v(best)) best = c;
      }
      return best;
    };
    if (pick(a.logprobs, false) !== pick(b.logprobs, false)) accChanged++;
    if (pick(a.logprobs, true) !== pick(b.logprobs, true)) normChanged++;
    k += choices.length;
  }
  return { worst, differ, accChanged, normChanged };
}

export default async function contract(args: string[]): Promise<void> {
  const modelArg = argValue(args, '--model');
  const modelPath =
    modelArg === undefined || modelArg === 'stories'
      ? resolve(PROJECT_ROOT, '../shared/models/stories260K.gguf')
      : modelArg === '135m'
        ? benchModel()
        : resolve(modelArg);
  const items = Number(argValue(args, '--items') ?? 50);
  const specs = (argValue(args, '--tasks') ?? DEFAULT_TASKS).split(',');
  process.stdout.write(`machine: ${machineLine()}\nmodel: ${modelPath}, ${items} items per task\n`);
  const overall = new Map<string, { worst: number; acc: number; norm: number; requests: number }>();
  for (const spec of specs) {
    const [task, shots] = spec.split(':');
    const workload = await mcWorkload([task!], Number(shots ?? 0), items);
    const requests = workload.byItem.flat();
    for (const flashAttention of [false, true]) {
      const mode = flashAttention ? 'flash attention' : 'default';
      const naive = await score(modelPath, requests, {
        naive: true,
        flashAttention,
        batchSize: 8,
      });
      const line = [`${task} ${shots ?? 0}-shot, ${workload.items} items, ${requests.length} requests, ${mode}:`];
      line.push(`naive ${naive.seconds.toFixed(1)} s`);
      {
        const runs = {
          auto: await score(modelPath, requests, { flashAttention, batchSize: 'auto' }),
          one: await score(modelPath, requests, { flashAttention, batchSize: 1 }),
          reversed: await score(modelPath, requests, {
            flashAttention,
            batchSize: 8,
            reversed: true,
          }),
        };
        const vsNaive = compare(runs.auto, naive, workload.byItem);
        const invariance = [
          compare(runs.one, runs.auto, workload.byItem),
          compare(runs.reversed, runs.auto, workload.byItem),
        ];
        const key = `packed, ${mode}`;
        const sum = overall.get(key) ?? { worst: 0, acc: 0, norm: 0, requests: 0 };
        overall.set(key, {
          worst: Math.max(sum.worst, vsNaive.worst),
          acc: sum.acc + vsNaive.accChanged,
          norm: sum.norm + vsNaive.normChanged,
          requests: sum.requests + requests.length,
        });
        line.push(
          `| packed: ${runs.auto.seconds.toFixed(1)} s; vs naive worst |Δ| ${vsNaive.worst.toExponential(2)} (${vsNaive.differ} differ), argmax changes acc ${vsNaive.accChanged} acc_norm ${vsNaive.normChanged};` +
            ` batch 1 / 8 reversed vs auto: ${invariance.map((c) => `${c.worst.toExponential(1)} (${c.differ} differ)`).join(' / ')}`,
        );
      }
      process.stdout.write(`${line.join(' ')} | load ${machineLine().split('load ')[1]}\n`);
    }
  }
  process.stdout.write('\nover all tasks:\n');
  for (const [key, s] of overall)
    process.stdout.write(
      `${key}: worst |Δ| vs naive ${s.worst.toExponential(2)} nats over ${s.requests} requests, argmax changes acc ${s.acc}, acc_norm ${s.norm}\n`,
    );
}

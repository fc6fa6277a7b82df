/**
 * Per-item log-likelihoods and greedy generations must not change with --batch_size 1, 8, 64,
 * auto or with the order requests reach the backend. Measured on the real stories260K model
 * (CLI, and the backend behind a shuffling wrapper) and on a SmolLM2-135M-shaped F16 model with
 * random weights. Figures are logged; docs/numerics.md records them.
 *
 * Tolerance: |Δ log-likelihood| ≤ 1e-5 nats; generations, is-greedy flags, per-item metrics,
 * argmax predictions and aggregate metrics identical.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLlamaCppFromArgs } from '../src/backends/llamacpp/factory.ts';
import type { Backend } from '../src/backends/types.ts';
import { evaluate, type TaskOutcome } from '../src/evaluator/evaluate.ts';
import { main as makeModel } from '../src/gguf/make-model.ts';
import type { LoglikelihoodResult } from '../src/requests/types.ts';
import { resolveDataDir } from '../src/documents/data-dir.ts';
import { loadCatalog } from '../src/task/index.ts';
import { evalboard, readResults, STORIES, STORIES_LIMIT, STORIES_TASKS, STORIES_WORKLOAD, tempDir } from './helpers.ts';
import {
  type Diff,
  describeDiff,
  diffSamples,
  diffValues,
  emptyDiff,
  readSamples,
  ShuffledBackend,
} from './numerics-helpers.ts';

const TOLERANCE = 1e-5;
const SHUFFLE_SEED = 7;
/** Layers of the SmolLM2-135M-shaped model; the full 30 take minutes per batch size on 2 cores. */
const SMOL_LAYERS = Number(process.env.EVALBOARD_NUMERICS_LAYERS ?? 4);
const SMOL_ITEMS = 30;

/** Asserts the invariance contract on a diff, with the figures in every failure message. */
function expectInvariant(d: Diff, label: string): void {
  const line = describeDiff(label, d);
  expect(d.numbers, line).toBeGreaterThan(0);
  expect(d.differingStrings, line).toBe(0);
  expect(d.differingFlags, line).toBe(0);
  expect(d.differingRows, line).toBe(0);
  expect(d.worstDelta, line).toBeLessThanOrEqual(TOLERANCE);
}

/** Per-request results, per-doc metric values and summaries of two in-process evaluations. */
function diffOutcomes(a: readonly TaskOutcome[], b: readonly TaskOutcome[]): Diff {
  const d = emptyDiff();
  a.forEach((oa, t) => {
    const ob = b[t]!;
    diffValues(oa.results, ob.results, d, oa.task.name);
    const metrics = (o: TaskOutcome) => JSON.stringify([o.scored.map((s) => s.map((f) => f.values)), o.summaries]);
    if (metrics(oa) !== metrics(ob)) {
      d.differingRows++;
      d.first ??= `${oa.task.name}: per-item metrics or summaries differ`;
    }
  });
  return d;
}

/** Multiple-choice predictions (argmax log-likelihood) and the smallest top-two gap, per task. */
function predictions(outcomes: readonly TaskOutcome[]): { argmax: number[]; minGap: number } {
  const argmax: number[] = [];
  let minGap = Number.POSITIVE_INFINITY;
  for (const o of outcomes) {
    if (o.task.outputType !== 'multiple_choice') continue;
    for (const r of o.results) {
      const lls = (r[0] as LoglikelihoodResult[]).map((x) => x.logprob);
      const sorted = [...lls].sort((x, y) => y - x);
      argmax.push(lls.indexOf(sorted[0]!));
      if (sorted.length > 1) minGap = Math.min(minGap, sorted[0]! - sorted[1]!);
    }
  }
  return { argmax, minGap };
}

async function evaluateWith(backend: Backend, taskNames: readonly string[], limit: number): Promise<TaskOutcome[]> {
  const { catalog } = await loadCatalog({ includePaths: [], dataDir: resolveDataDir() });
  const { tasks } = catalog.resolve(taskNames);
  return evaluate({ backend, tasks, limit, fewshotSeed: 1234, bootstrapIters: 1000 });
}

async function withBackend<T>(
  path: string,
  batchSize: number | 'auto',
  use: (b: Backend) => Promise<T>,
): Promise<{ value: T; sequences: unknown }> {
  const backend = await createLlamaCppFromArgs({ args: { pretrained: path }, batchSize, seed: 0, verbose: false });
  try {
    return { value: await use(backend), sequences: backend.info.settings.sequences };
  } finally {
    await backend.close();
  }
}

describe('stories260K through the CLI: --batch_size 1, 8, 64, auto', () => {
  const outs = new Map<string, string>();
  beforeAll(() => {
    for (const bs of ['1', '8', '64', 'auto']) {
      const out = tempDir(`batch-${bs}-`);
      const r = evalboard([...STORIES_WORKLOAD, '--batch_size', bs, '--no_cache', '--output_path', out]);
      expect(r.status, r.stderr).toBe(0);
      outs.set(bs, out);
    }
  }, 600_000);

  it.each(['8', '64', 'auto'])('batch size %s gives batch size 1’s per-item values and metrics', (bs) => {
    const base = outs.get('1')!;
    const other = outs.get(bs)!;
    const d = diffSamples(readSamples(other), readSamples(base));
    console.log(describeDiff(`stories260K CLI, batch ${bs} vs 1`, d));
    const metrics = (out: string) => {
      const r = readResults(out) as Record<string, unknown>;
      return JSON.stringify([r.results, r.groups ?? null]);
    };
    expect(metrics(other)).toBe(metrics(base));
    expectInvariant(d, `batch ${bs} vs 1`);
  });
});

describe('stories260K backend: shuffled request order', () => {
  it('gives the same per-request results and metrics as the original order (batch size 8)', async () => {
    const { value } = await withBackend(STORIES, 8, async (backend) => {
      const inOrder = await evaluateWith(backend, STORIES_TASKS, STORIES_LIMIT);
      const shuffled = await evaluateWith(new ShuffledBackend(backend, SHUFFLE_SEED), STORIES_TASKS, STORIES_LIMIT);
      return { inOrder, shuffled };
    });
    const d = diffOutcomes(value.shuffled, value.inOrder);
    console.log(describeDiff('stories260K backend, shuffled vs in order (batch 8)', d));
    expect(predictions(value.shuffled).argmax).toEqual(predictions(value.inOrder).argmax);
    expectInvariant(d, 'shuffled vs in order');
  }, 300_000);
});

describe(`SmolLM2-135M-shaped F16 model, random weights (${SMOL_LAYERS} layers): ${SMOL_ITEMS} arc_easy items`, () => {
  let model: string;
  let modelDir: string;
  beforeAll(async () => {
    modelDir = tempDir('smol-');
    model = join(modelDir, 'smollm2-135m-shape.gguf');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await makeModel(['--preset', 'smollm2-135m', '--layers', String(SMOL_LAYERS), '--out', model]);
    } finally {
      log.mockRestore();
    }
  }, 300_000);
  // 87 MB at 4 layers, 270 MB at 30: not worth keeping between runs.
  afterAll(() => rmSync(modelDir, { recursive: true, force: true }));

  it('batch sizes 1, 8, auto and a shuffled order agree on every prediction and metric', async () => {
    const run = (bs: number | 'auto') => withBackend(model, bs, (b) => evaluateWith(b, ['arc_easy'], SMOL_ITEMS));
    const base = await run(1);
    const others: [string, TaskOutcome[]][] = [];
    const eight = await withBackend(model, 8, async (backend) => ({
      inOrder: await evaluateWith(backend, ['arc_easy'], SMOL_ITEMS),
      shuffled: await evaluateWith(new ShuffledBackend(backend, SHUFFLE_SEED), ['arc_easy'], SMOL_ITEMS),
    }));
    const auto = await run('auto');
    others.push(
      ['8', eight.value.inOrder],
      ['8 shuffled', eight.value.shuffled],
      [`auto (${auto.sequences})`, auto.value],
    );

    const basePredictions = predictions(base.value);
    expect(basePredictions.argmax).toHaveLength(SMOL_ITEMS);
    console.log(
      `smollm2-135m shape, ${SMOL_LAYERS} layers: smallest top-two gap ${basePredictions.minGap.toExponential(2)} nats`,
    );
    const failures: string[] = [];
    for (const [label, outcome] of others) {
      const d = diffOutcomes(outcome, base.value);
      const line = describeDiff(`smollm2-135m shape, batch ${label} vs 1`, d);
      console.log(line);
      // Every item's prediction and every metric must hold; the log-likelihood tolerance too.
      expect(predictions(outcome).argmax, line).toEqual(basePredictions.argmax);
      expect(d.differingRows, line).toBe(0);
      if (d.worstDelta > TOLERANCE || d.differingFlags > 0) failures.push(line);
    }
    expect(failures, failures.join('\n')).toEqual([]);
  }, 600_000);
});

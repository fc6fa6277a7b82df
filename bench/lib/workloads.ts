/**
 * Requests of real tasks, built by the same code `evalboard run` uses (catalog → docs → instances),
 * and the 135M-shape model the llama.cpp benchmarks share.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { buildInstances } from '../../src/instances/build.ts';
import type { GenerateRequest, LoglikelihoodRequest } from '../../src/requests/types.ts';
import { cacheDirFromEnv } from '../../src/cache/paths.ts';
import { resolveDataDir } from '../../src/documents/data-dir.ts';
import { loadCatalog } from '../../src/task/index.ts';
import { PythonRandom } from '../../src/python/random.ts';

export interface Workload {
  readonly name: string;
  readonly items: number;
  /** Per item, its requests (one per choice), in item order. */
  readonly byItem: readonly (readonly LoglikelihoodRequest[])[];
  /** Per item, the index of its gold choice. */
  readonly gold: readonly number[];
}

/**
 * MMLU subjects of the peers and mc benchmarks, in this order (the three first): the same
 * items for evalboard and llama-perplexity, and not the alphabetical first subject (abstract_algebra).
 */
export const MMLU_SUBJECTS = ['mmlu_astronomy', 'mmlu_college_biology', 'mmlu_high_school_geography', 'mmlu_nutrition'];

/**
 * The first `items` documents over the tasks, as lm-eval builds them: `pattern` is a task pattern
 * (its tasks taken alphabetically) or a list of task names (taken in that order).
 */
export async function mcWorkload(
  pattern: string | readonly string[],
  numFewshot: number,
  items: number,
): Promise<Workload> {
  const { catalog } = await loadCatalog({ includePaths: [], dataDir: resolveDataDir() });
  const names = typeof pattern === 'string' ? [pattern] : pattern;
  const { tasks } = catalog.resolve([...names]);
  const ordered =
    typeof pattern === 'string'
      ? [...tasks].sort((a, b) => a.name.localeCompare(b.name))
      : names.map((name) => tasks.find((t) => t.name === name)!);
  const byItem: LoglikelihoodRequest[][] = [];
  const gold: number[] = [];
  for (const task of ordered) {
    if (byItem.length >= items) break;
    const docs = await task.loadDocs({ fewshot: numFewshot > 0 });
    const instances = buildInstances(task, docs, {
      numFewshot,
      limit: items - byItem.length,
      rnd: new PythonRandom(1234),
    });
    for (const inst of instances) {
      byItem.push(inst.requests[0]!.filter((r): r is LoglikelihoodRequest => r.kind === 'loglikelihood'));
      gold.push(typeof inst.target === 'number' ? inst.target : -1);
    }
  }
  const name = typeof pattern === 'string' ? pattern : `mmlu (${names.map((n) => n.replace(/^mmlu_/, '')).join(', ')})`;
  return { name: `${name} ${numFewshot}-shot`, items: byItem.length, byItem, gold };
}

/**
 * generate_until requests of the first `items` documents of `taskName`, `numFewshot`-shot, with
 * max_gen_toks `maxGenToks`. `sampler` 'first_n' gives every item the same few-shot examples (a
 * shared header, as GSM8K-CoT's fixed exemplars); 'default' is the task's own seeded per-item draw.
 */
export async function generationWorkload(
  taskName: string,
  numFewshot: number,
  items: number,
  maxGenToks: number,
  sampler: 'default' | 'first_n',
): Promise<{ name: string; requests: GenerateRequest[] }> {
  const { catalog } = await loadCatalog({ includePaths: [], dataDir: resolveDataDir() });
  const task = catalog.resolve([taskName]).tasks[0]!;
  const docs = await task.loadDocs({ fewshot: numFewshot > 0 });
  const instances = buildInstances({ ...task, fewshotSampler: sampler }, docs, {
    numFewshot,
    limit: items,
    rnd: new PythonRandom(1234),
    maxGenToks,
  });
  const requests = instances.map((inst) => inst.requests[0]![0]! as GenerateRequest);
  return { name: `${taskName} ${numFewshot}-shot (${sampler} few-shot sampler)`, requests };
}

/**
 * $EVALBOARD_CACHE/bench/smollm2-135m-f16.gguf, written once (~6 s) by src/gguf/make-model.ts;
 * `layers` writes the same shape with fewer layers (same tokenizer, embeddings and KV per layer).
 */
export function benchModel(layers?: number): string {
  const dir = join(cacheDirFromEnv(process.env), 'bench');
  const path = join(dir, layers === undefined ? 'smollm2-135m-f16.gguf' : `smollm2-135m-f16-${layers}-layers.gguf`);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    const extra = layers === undefined ? [] : ['--layers', String(layers)];
    const r = spawnSync('npx', ['tsx', 'src/gguf/make-model.ts', '--preset', 'smollm2-135m', ...extra, '--out', path], {
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error('could not write the benchmark model');
  }
  return path;
}

export function machineLine(): string {
  const [one, five] = loadavg();
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; load ${one!.toFixed(2)} / ${five!.toFixed(2)} (1 / 5 min)`;
}

export function argValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

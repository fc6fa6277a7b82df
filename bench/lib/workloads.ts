/**
 * Requests of real tasks, built by the same code `evalboard run` uses (catalog → docs → instances),
 * and the 135M-shape model the llama.cpp benchmarks share.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { buildInstances } from '../../src/instances/build.ts';
import type { LoglikelihoodRequest } from '../../src/requests/types.ts';
import { cacheDirFromEnv } from '../../src/cache/paths.ts';
import { resolveDataDir } from '../../src/documents/data-dir.ts';
import { loadCatalog } from '../../src/task/index.ts';
import { PythonRandom } from '../../src/python/random.ts';

export interface Workload {
  readonly name: string;
  readonly items: number;
  /** Per item, its requests (one per choice), in item order. */
  readonly byItem: readonly (readonly LoglikelihoodRequest[])[];
}

/** The first `items` documents over the tasks in order (MMLU: subjects alphabetically), as lm-eval builds them. */
export async function mcWorkload(pattern: string, numFewshot: number, items: number): Promise<Workload> {
  const { catalog } = await loadCatalog({ includePaths: [], dataDir: resolveDataDir() });
  const { tasks } = catalog.resolve([pattern]);
  const byItem: LoglikelihoodRequest[][] = [];
  for (const task of [...tasks].sort((a, b) => a.name.localeCompare(b.name))) {
    if (byItem.length >= items) break;
    const docs = await task.loadDocs({ fewshot: numFewshot > 0 });
    const instances = buildInstances(task, docs, {
      numFewshot,
      limit: items - byItem.length,
      rnd: new PythonRandom(1234),
    });
    for (const inst of instances)
      byItem.push(inst.requests[0]!.filter((r): r is LoglikelihoodRequest => r.kind === 'loglikelihood'));
  }
  return { name: `${pattern} ${numFewshot}-shot`, items: byItem.length, byItem };
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

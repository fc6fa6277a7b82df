import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../errors.ts';
import type { JudgeBenchmarkName } from '../types.ts';

/**
 * `judge … --answers` takes a file, or a folder `evalboard generate --output_path` wrote (or the
 * benchmark's own data/results folder): the one answer file in it for this benchmark.
 */
export function locateAnswerFile(given: string, benchmark: JudgeBenchmarkName, version: string): string {
  if (!existsSync(given) || !statSync(given).isDirectory()) return given;
  const found = candidates(given, benchmark, version);
  if (found.length === 1) return found[0]!;
  if (found.length === 0)
    throw new UserError(
      `no ${benchmark} answer file in this folder`,
      { file: given, field: '--answers' },
      benchmark === 'alpaca-eval'
        ? 'expected alpaca_eval/<model>/model_outputs.json, as evalboard generate writes it'
        : `expected ${benchFolder(benchmark, version)}/model_answer/<model>.jsonl, as evalboard generate writes it`,
    );
  throw new UserError(
    `${found.length} ${benchmark} answer files in this folder: ${found.join(', ')}`,
    { file: given, field: '--answers' },
    'name one of them',
  );
}

function benchFolder(benchmark: JudgeBenchmarkName, version: string): string {
  return benchmark === 'mt-bench' ? 'mt_bench' : `arena-hard-${version}`;
}

function candidates(dir: string, benchmark: JudgeBenchmarkName, version: string): string[] {
  if (benchmark === 'alpaca-eval') {
    const own = join(dir, 'model_outputs.json');
    if (existsSync(own)) return [own];
    for (const results of [join(dir, 'alpaca_eval'), dir]) {
      const files = subfolders(results)
        .map((m) => join(results, m, 'model_outputs.json'))
        .filter((f) => existsSync(f));
      if (files.length) return files;
    }
    return [];
  }
  for (const folder of [join(dir, benchFolder(benchmark, version), 'model_answer'), join(dir, 'model_answer'), dir]) {
    const files = existsSync(folder)
      ? readdirSync(folder)
          .filter((f) => f.endsWith('.jsonl'))
          .sort()
          .map((f) => join(folder, f))
      : [];
    if (files.length) return files;
  }
  return [];
}

function subfolders(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

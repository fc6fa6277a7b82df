import { resolveDataDir } from '../documents/data-dir.ts';
import { UserError } from '../errors.ts';
import type { EvaluateOptions } from '../evaluator/evaluate.ts';
import { loadCatalog } from '../task/index.ts';
import type { TaskWarning } from '../task/yaml/index.ts';
import { setPythonInterpreter } from '../task/yaml/python-hooks/worker.ts';
import { parseLimit, parseNonNegativeInt, parseSeeds } from './options.ts';

/** The flags `run` and `score` share: which documents, how prompts are built, where tasks come from. */
export interface EvaluationFlags {
  limit?: string;
  num_fewshot?: string;
  seed: string;
  bootstrap_iters: string;
  include_path?: string[];
  data_dir?: string;
  allow_network?: boolean;
  /** The interpreter lm-eval hooks in utils.py run in. */
  python?: string;
}

export interface ParsedEvaluationFlags {
  readonly seeds: { readonly random: number; readonly fewshot: number };
  readonly limit: number | undefined;
  readonly numFewshot: number | undefined;
  readonly bootstrapIters: number;
}

export function parseEvaluationFlags(flags: EvaluationFlags): ParsedEvaluationFlags {
  return {
    seeds: parseSeeds(flags.seed),
    limit: parseLimit(flags.limit),
    numFewshot: parseNonNegativeInt(flags.num_fewshot, '--num_fewshot'),
    bootstrapIters: parseNonNegativeInt(flags.bootstrap_iters, '--bootstrap_iters') ?? 1000,
  };
}

/** The evaluate() options those flags set, warnings going to stderr. */
export function evaluationOptions(
  p: ParsedEvaluationFlags,
): Pick<EvaluateOptions, 'numFewshot' | 'limit' | 'fewshotSeed' | 'bootstrapIters' | 'onWarning'> {
  return {
    ...(p.numFewshot !== undefined ? { numFewshot: p.numFewshot } : {}),
    ...(p.limit !== undefined ? { limit: p.limit } : {}),
    fewshotSeed: p.seeds.fewshot,
    bootstrapIters: p.bootstrapIters,
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
  };
}

/** The task catalog the flags name (--include_path, plus any task folders given), and its load warnings. */
export function loadTaskCatalog(flags: EvaluationFlags, taskFolders: readonly string[] = []) {
  if (flags.python) setPythonInterpreter(flags.python);
  return loadCatalog({
    includePaths: [...(flags.include_path ?? []), ...taskFolders],
    dataDir: resolveDataDir(flags.data_dir),
    allowNetwork: !!flags.allow_network,
  });
}

export function printCatalogWarnings(warnings: readonly TaskWarning[]): void {
  for (const w of warnings) process.stderr.write(`warning: ${new UserError(w.message, w.location).format()}\n`);
}

/** Loads the task catalog (warnings to stderr) and resolves the named tasks and groups. */
export async function resolveTasks(flags: EvaluationFlags, names: readonly string[]) {
  const { catalog, warnings } = await loadTaskCatalog(flags);
  printCatalogWarnings(warnings);
  return catalog.resolve(names);
}

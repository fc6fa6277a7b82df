import { resolveDataDir } from '../documents/data-dir.ts';
import { UserError } from '../errors.ts';
import type { EvaluateOptions } from '../evaluator/evaluate.ts';
import { loadCatalog } from '../task/index.ts';
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

/** Loads the task catalog the flags name, its warnings to stderr. */
export async function loadTaskCatalog(flags: EvaluationFlags) {
  const { catalog, warnings } = await loadCatalog({
    includePaths: flags.include_path ?? [],
    dataDir: resolveDataDir(flags.data_dir),
    allowNetwork: !!flags.allow_network,
  });
  for (const w of warnings) process.stderr.write(`warning: ${new UserError(w.message, w.location).format()}\n`);
  return catalog;
}

/** Loads the task catalog and resolves the named tasks and groups. */
export async function resolveTasks(flags: EvaluationFlags, names: readonly string[]) {
  return (await loadTaskCatalog(flags)).resolve(names);
}

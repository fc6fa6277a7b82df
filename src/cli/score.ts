import type { Command } from 'commander';
import { cacheDirFromEnv, defaultCachePath } from '../cache/index.ts';
import { openScoreCache } from '../cache/score-store.ts';
import { resolveDataDir } from '../documents/data-dir.ts';
import { UserError } from '../errors.ts';
import { readOutputsFile } from '../evaluator/outputs-file.ts';
import { scoreOutputs } from '../evaluator/score-outputs.ts';
import { buildReport } from '../report/build.ts';
import { sampleRows, writeSamplesInOrder } from '../report/samples.ts';
import type { RunConfig } from '../report/schema.ts';
import { resultsTable } from '../report/table.ts';
import { fileTimestamp, outputPaths, writeResults } from '../report/write.ts';
import { loadCatalog } from '../task/index.ts';
import { evalboardVersion, gitCommit } from '../util/version.ts';
import { parseLimit, parseNonNegativeInt, parseSeeds } from './options.ts';
import { codeRunnerFor, UNSAFE_CODE_OPTIONS, type UnsafeCodeFlags } from './unsafe-code.ts';

interface ScoreFlags extends UnsafeCodeFlags {
  tasks: string;
  outputs: string;
  output_path?: string;
  log_samples?: boolean;
  limit?: string;
  num_fewshot?: string;
  seed: string;
  bootstrap_iters: string;
  include_path?: string[];
  data_dir?: string;
  allow_network?: boolean;
  use_cache?: string;
  no_cache?: boolean;
}

export function registerScore(program: Command): void {
  const command = program
    .command('score')
    .description('score outputs produced elsewhere with a task’s filters and metrics; writes the files `run` writes')
    .requiredOption('--tasks <name>', 'the task the outputs answer')
    .requiredOption('--outputs <file>', 'JSONL: {"doc_id": N, "outputs": ["…", …]} per document, or a samples file')
    .option('--output_path <dir>', 'write results (and samples) under this folder')
    .option('--log_samples', 'write per-doc samples JSONL next to the results')
    .option('--limit <n>', 'first N docs (or a fraction < 1)')
    .option('--num_fewshot <n>', 'few-shot examples per prompt, as the outputs were generated with')
    .option('--seed <seeds>', 'one seed, or random,numpy,torch,fewshot as lm-eval', '0,1234,1234,1234')
    .option('--bootstrap_iters <n>', 'bootstrap resamples for non-mean stderrs', '1000')
    .option('--include_path <dir...>', 'extra folders of task YAML')
    .option('--data_dir <dir>', 'local dataset folder (default $EVALBOARD_DATA_DIR)')
    .option('--allow_network', 'download datasets missing from --data_dir from the Hugging Face hub')
    .option('--use_cache <path>', 'score cache file (default: scores under $EVALBOARD_CACHE)')
    .option('--no_cache', 'do not read or write the score cache');
  for (const [flag, help] of UNSAFE_CODE_OPTIONS) command.option(flag, help);
  command.action(async (flags: ScoreFlags) => {
    await executeScore(flags, process.argv.slice(2));
  });
}

async function executeScore(flags: ScoreFlags, argv: readonly string[]): Promise<void> {
  const started = new Date();
  const seeds = parseSeeds(flags.seed);
  const limit = parseLimit(flags.limit);
  const numFewshot = parseNonNegativeInt(flags.num_fewshot, '--num_fewshot');
  const bootstrapIters = parseNonNegativeInt(flags.bootstrap_iters, '--bootstrap_iters') ?? 1000;
  const outputs = readOutputsFile(flags.outputs);
  const { catalog, warnings } = await loadCatalog({
    includePaths: flags.include_path ?? [],
    dataDir: resolveDataDir(flags.data_dir),
    allowNetwork: !!flags.allow_network,
  });
  for (const w of warnings) process.stderr.write(`warning: ${new UserError(w.message, w.location).format()}\n`);
  const { tasks, groups } = catalog.resolve([flags.tasks.trim()]);
  const codeRunner = codeRunnerFor(tasks, flags);
  const scoreCache = flags.no_cache
    ? undefined
    : openScoreCache(flags.use_cache ?? defaultCachePath(cacheDirFromEnv(), 'scores'));
  let scored: Awaited<ReturnType<typeof scoreOutputs>>;
  try {
    scored = await scoreOutputs({
      outputs,
      tasks,
      ...(numFewshot !== undefined ? { numFewshot } : {}),
      ...(limit !== undefined ? { limit } : {}),
      fewshotSeed: seeds.fewshot,
      bootstrapIters,
      ...(codeRunner ? { codeRunner } : {}),
      ...(scoreCache ? { scoreCache } : {}),
      onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
    });
  } finally {
    scoreCache?.close();
  }
  const { outcomes, backend } = scored;
  const ended = new Date();
  const config: RunConfig = {
    model: 'outputs',
    model_args: `outputs=${flags.outputs}`,
    batch_size: 1,
    limit: limit ?? null,
    bootstrap_iters: bootstrapIters,
    random_seed: seeds.random,
    fewshot_seed: seeds.fewshot,
    num_fewshot: numFewshot ?? null,
    apply_chat_template: false,
    system_instruction: null,
    gen_kwargs: null,
    think: 'keep',
    max_gen_toks: null,
    predict_only: false,
    backend: { id: backend.id, ...backend.info },
    evalboard_version: evalboardVersion(),
    git_commit: gitCommit(),
    argv: [...argv],
  };
  const stats = scoreCache?.stats();
  const report = buildReport(outcomes, groups, config, {
    start_time: started.toISOString(),
    end_time: ended.toISOString(),
    total_evaluation_time_seconds: (ended.getTime() - started.getTime()) / 1000,
    cache: { hits: stats?.hits ?? 0, fresh: stats?.writes ?? 0, path: scoreCache?.path ?? null },
    tokens_per_second: 0,
    requests_per_second: 0,
  });
  if (flags.output_path) {
    const paths = outputPaths(flags.output_path, 'outputs', fileTimestamp(started));
    if (flags.log_samples)
      for (const o of outcomes) await writeSamplesInOrder(paths.samples(o.task.name), sampleRows(o));
    writeResults(paths.results, report);
    process.stderr.write(`results: ${paths.results}\n`);
  }
  process.stdout.write(`outputs (${flags.outputs}), limit: ${limit ?? 'None'}\n${resultsTable(report)}\n`);
}

import type { Command } from 'commander';
import { cacheDirFromEnv, defaultCachePath } from '../cache/index.ts';
import { openScoreCache } from '../cache/score-store.ts';
import { readOutputsFile } from '../evaluator/outputs-file.ts';
import { scoreOutputs } from '../evaluator/score-outputs.ts';
import { buildReport } from '../report/build.ts';
import { lmEvalHeader } from '../report/lm-eval-header.ts';
import { sampleRows, writeSamplesInOrder } from '../report/samples.ts';
import type { RunConfig } from '../report/schema.ts';
import { resultsTable } from '../report/table.ts';
import { fileTimestamp, outputPaths, writeResults } from '../report/write.ts';
import { evalboardVersion, gitCommit } from '../util/version.ts';
import { addReportAndDataOptions } from './options.ts';
import { type EvaluationFlags, evaluationOptions, parseEvaluationFlags, resolveTasks } from './common-flags.ts';
import { codeRunnerFor, UNSAFE_CODE_OPTIONS, type UnsafeCodeFlags } from './unsafe-code.ts';

interface ScoreFlags extends UnsafeCodeFlags, EvaluationFlags {
  tasks: string;
  outputs: string;
  output_path?: string;
  log_samples?: boolean;
  use_cache?: string;
  no_cache?: boolean;
}

export function registerScore(program: Command): void {
  const command = program
    .command('score')
    .description('score outputs produced elsewhere with a task’s filters and metrics; writes the files `run` writes')
    .requiredOption('--tasks <name>', 'the task the outputs answer')
    .requiredOption('--outputs <file>', 'JSONL: {"doc_id": N, "outputs": ["…", …]} per document, or a samples file')
    .option('--limit <n>', 'first N docs (or a fraction < 1)')
    .option('--num_fewshot <n>', 'few-shot examples per prompt, as the outputs were generated with');
  addReportAndDataOptions(command)
    .option('--use_cache <path>', 'score cache file (default: scores under $EVALBOARD_CACHE)')
    .option('--no_cache', 'do not read or write the score cache');
  for (const [flag, help] of UNSAFE_CODE_OPTIONS) command.option(flag, help);
  command.action(async (flags: ScoreFlags) => {
    await executeScore(flags, process.argv.slice(2));
  });
}

async function executeScore(flags: ScoreFlags, argv: readonly string[]): Promise<void> {
  const started = new Date();
  const parsed = parseEvaluationFlags(flags);
  const { seeds, limit, numFewshot, bootstrapIters } = parsed;
  const outputs = readOutputsFile(flags.outputs);
  const { tasks, groups } = await resolveTasks(flags, [flags.tasks.trim()]);
  const codeRunner = codeRunnerFor(tasks, flags);
  const scoreCache = flags.no_cache
    ? undefined
    : openScoreCache(flags.use_cache ?? defaultCachePath(cacheDirFromEnv(), 'scores'));
  let scored: Awaited<ReturnType<typeof scoreOutputs>>;
  try {
    scored = await scoreOutputs({
      outputs,
      tasks,
      ...evaluationOptions(parsed),
      ...(codeRunner ? { codeRunner } : {}),
      ...(scoreCache ? { scoreCache } : {}),
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
  const rows =
    flags.output_path && flags.log_samples
      ? Object.fromEntries(outcomes.map((o) => [o.task.name, sampleRows(o)]))
      : null;
  Object.assign(
    report,
    lmEvalHeader({
      modelSource: 'outputs',
      modelName: String(flags.outputs),
      modelNameSanitized: 'outputs',
      systemInstruction: null,
      fewshotAsMultiturn: false,
      applyChatTemplate: false,
      tokenizer: null,
      maxLength: null,
      gitHash: config.git_commit,
      evalboardVersion: config.evalboard_version,
      started,
      samples: rows,
    }),
  );
  if (flags.output_path) {
    const paths = outputPaths(flags.output_path, 'outputs', fileTimestamp(started));
    for (const [task, taskRows] of Object.entries(rows ?? {})) await writeSamplesInOrder(paths.samples(task), taskRows);
    writeResults(paths.results, report);
    process.stderr.write(`results: ${paths.results}\n`);
  }
  process.stdout.write(`outputs (${flags.outputs}), limit: ${limit ?? 'None'}\n${resultsTable(report)}\n`);
}

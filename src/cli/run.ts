import { Command } from 'commander';
import { DEFAULT_MODEL, DEFAULT_MODEL_ARGS } from '../backends/index.ts';
import { type ChatTemplate, openBackend } from '../cache/index.ts';
import { openScoreCache } from '../cache/score-store.ts';
import { UserError } from '../errors.ts';
import { type EvaluateOptions, evaluate, type TaskOutcome } from '../evaluator/evaluate.ts';
import { buildReport } from '../report/build.ts';
import {
  docSampleRows,
  openSamplesWriter,
  partialPath,
  type SamplesWriter,
  sampleRows,
  writeSamplesInOrder,
} from '../report/samples.ts';
import type { ResultsReport, RunConfig } from '../report/schema.ts';
import { suiteTable } from '../report/suite-table.ts';
import { resultsTable } from '../report/table.ts';
import { openSuite } from '../suites/index.ts';
import { fileTimestamp, outputPaths, writeResults } from '../report/write.ts';
import type { ChatFormat } from '../instances/build.ts';
import { evalboardVersion, gitCommit } from '../util/version.ts';
import { addReportAndDataOptions, normalizeFlags, parseBatchSize, parseThink, parseNonNegativeInt } from './options.ts';
import { type EvaluationFlags, evaluationOptions, loadTaskCatalog, parseEvaluationFlags } from './common-flags.ts';
import { Progress } from './progress.ts';
import { codeRunnerFor, UNSAFE_CODE_OPTIONS, type UnsafeCodeFlags } from './unsafe-code.ts';

export interface RunFlags extends UnsafeCodeFlags, EvaluationFlags {
  model: string;
  model_args?: string;
  tasks: string;
  batch_size: string;
  output_path?: string;
  log_samples?: boolean;
  use_cache?: string;
  no_cache?: boolean;
  apply_chat_template?: boolean;
  system_instruction?: string;
  fewshot_as_multiturn?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  think: string;
  think_tags?: string;
  max_gen_toks?: string;
  predict_only?: boolean;
  suite?: string;
}

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description('evaluate a model on tasks and write lm-eval-compatible results')
    .option('--model <name>', 'backend: llamacpp, dummy', DEFAULT_MODEL)
    .option('--model_args <args>', `backend arguments, key=value,... (llamacpp default: ${DEFAULT_MODEL_ARGS})`)
    .option('--tasks <names>', 'comma-separated tasks or groups (see `evalboard tasks`)', 'synthetic')
    .option('--num_fewshot <n>', 'few-shot examples per prompt (default: each task’s own)')
    .option('--batch_size <n>', 'requests evaluated together, or "auto"', '16')
    .option('--limit <n>', 'first N docs per task (or a fraction < 1)');
  addReportAndDataOptions(command)
    .option('--use_cache <path>', 'request cache file (default: one per model and tasks under $EVALBOARD_CACHE)')
    .option('--no_cache', 'do not read or write the request cache')
    .option('--apply_chat_template', "wrap prompts in the model's chat template")
    .option('--system_instruction <text>', 'system prompt: a system turn with --apply_chat_template, else prepended')
    .option('--think <mode>', 'reasoning blocks in generations: strip (before filters and metrics) or keep', 'strip')
    .option('--think_tags <open,close>', 'reasoning markers', '<think>,</think>')
    .option('--max_gen_toks <n>', "cap on every generation's tokens (overrides the tasks')")
    .option(
      '--suite <name>',
      'run a suite (openllm_v2, or a suite YAML file) instead of --tasks; adds normalised scores',
    )
    .option('--predict_only', 'save model outputs (needs --log_samples) without computing metrics')
    .option('--quiet', 'no progress output')
    .option('-v, --verbose', 'stack traces and backend logs');
  for (const [flag, help] of UNSAFE_CODE_OPTIONS) command.option(flag, help);
  command.action(async (flags: RunFlags) => {
    await executeRun(flags, process.argv.slice(2));
  });
}

/** The flags of `evalboard run` for an argv (used by `reproduce` to rerun a recorded command). */
export function parseRunFlags(argv: readonly string[]): RunFlags {
  const program = new Command('evalboard').exitOverride().configureOutput({ writeErr: () => undefined });
  let parsed: RunFlags | undefined;
  registerRun(program);
  const run = program.commands.find((c) => c.name() === 'run')!;
  run.action((flags: RunFlags) => {
    parsed = flags;
  });
  try {
    const args = argv[0] === 'run' ? argv.slice(1) : argv;
    program.parse(['run', ...normalizeFlags(args)], { from: 'user' });
  } catch (e) {
    throw new UserError(`recorded command line does not parse: ${(e as Error).message}`, { field: 'config.argv' });
  }
  return parsed!;
}

export interface RunHooks {
  /** Called with the loaded tasks and the backend before any request is sent. */
  readonly beforeDispatch?: EvaluateOptions['beforeDispatch'];
}

export interface RunOutput {
  readonly report: ResultsReport;
  readonly outcomes: readonly TaskOutcome[];
  readonly resultsPath: string | undefined;
}

export async function executeRun(flags: RunFlags, argv: readonly string[], hooks: RunHooks = {}): Promise<RunOutput> {
  const started = new Date();
  const parsed = parseEvaluationFlags(flags);
  const { seeds, limit, numFewshot, bootstrapIters } = parsed;
  const batchSize = parseBatchSize(flags.batch_size);
  const think = parseThink(flags.think, flags.think_tags);
  if (flags.predict_only && !(flags.log_samples && flags.output_path))
    throw new UserError(
      '--predict_only saves only the samples',
      { field: '--predict_only' },
      'add --log_samples and --output_path',
    );
  const maxGenToks = parseNonNegativeInt(flags.max_gen_toks, '--max_gen_toks');

  const catalog = await loadTaskCatalog(flags);
  if (flags.suite && normalizeFlags(argv).some((a) => a === '--tasks' || a.startsWith('--tasks=')))
    throw new UserError('--suite runs its own tasks', { field: '--tasks' }, 'give --suite or --tasks, not both');
  const suite = flags.suite ? await openSuite(flags.suite, catalog, { predictOnly: !!flags.predict_only }) : undefined;
  for (const notice of suite?.notices ?? []) process.stderr.write(`warning: ${notice}\n`);
  const taskNames = suite
    ? [...suite.taskNames]
    : flags.tasks
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
  if (taskNames.length === 0)
    throw new UserError('no task given', { field: '--tasks' }, '`evalboard tasks` lists them');
  const { tasks, groups } = catalog.resolve(taskNames);
  const codeRunner = codeRunnerFor(tasks, flags);

  const opened = await openBackend({
    model: flags.model,
    modelArgs: flags.model_args,
    batchSize,
    seed: seeds.random,
    verbose: !!flags.verbose,
    cache: flags.no_cache ? false : { path: flags.use_cache, taskNames },
    requireChatTemplate: !!flags.apply_chat_template,
  });
  const { backend, inner, cache, modelArgsText, modelArgs } = opened;
  // lm-eval main's default: few-shot examples become turns whenever a chat template is applied.
  const fewshotAsMultiturn = !!flags.apply_chat_template && (flags.fewshot_as_multiturn ?? true);
  const chat =
    flags.apply_chat_template && opened.chatTemplate ? chatFormat(opened.chatTemplate, fewshotAsMultiturn) : undefined;
  // Sandbox outcomes live next to the requests, so a resumed run re-executes nothing that finished.
  const scoreCache = cache && codeRunner ? openScoreCache(cache.path) : undefined;
  const progress = Progress.forStream(process.stderr, !!flags.quiet);
  const interrupt = onInterrupt(() => progress.stop());
  const paths = flags.output_path
    ? outputPaths(flags.output_path, modelName(flags.model, modelArgs), fileTimestamp(started))
    : undefined;
  const streamed = new Map<string, SamplesWriter>();
  const streamSample: EvaluateOptions['onDocScored'] = (prepared, doc) => {
    const name = prepared.task.name;
    let writer = streamed.get(name);
    if (!writer) {
      writer = openSamplesWriter(partialPath(paths!.samples(name)));
      streamed.set(name, writer);
    }
    for (const row of docSampleRows(prepared.task, doc)) writer.write(row);
  };
  let outcomes: Awaited<ReturnType<typeof evaluate>>;
  try {
    outcomes = await evaluate({
      backend,
      tasks,
      ...evaluationOptions(parsed),
      ...(chat ? { chat } : {}),
      ...(flags.system_instruction !== undefined ? { systemInstruction: flags.system_instruction } : {}),
      onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
      ...(maxGenToks !== undefined ? { maxGenToks } : {}),
      think,
      predictOnly: !!flags.predict_only,
      samplingSeed: seeds.random,
      ...(codeRunner ? { codeRunner } : {}),
      ...(scoreCache ? { scoreCache } : {}),
      progress,
      signal: interrupt.signal,
      ...(hooks.beforeDispatch ? { beforeDispatch: hooks.beforeDispatch } : {}),
      // Samples are appended to <file>.partial as documents finish, so a crash keeps every scored row;
      // the finished run renames it to <file>, in doc order.
      ...(paths && flags.log_samples ? { onDocScored: streamSample } : {}),
    });
  } catch (e) {
    if (!interrupt.signal.aborted) throw e;
    const saved = cache
      ? `${cache.stats().fresh} new results saved in ${cache.path}`
      : 'no cache (--no_cache): nothing saved';
    const resume = cache ? `resume with: evalboard ${argv.map(shellQuote).join(' ')}` : undefined;
    throw new UserError(`interrupted; ${saved}`, {}, resume, 130);
  } finally {
    interrupt.dispose();
    progress.stop();
    for (const writer of streamed.values()) await writer.close();
    scoreCache?.close();
    await opened.close();
  }

  const ended = new Date();
  const rates = progress.rates();
  const stats = cache?.stats() ?? { hits: 0, fresh: 0 };
  const config: RunConfig = {
    model: flags.model,
    model_args: modelArgsText,
    batch_size: batchSize,
    limit: limit ?? null,
    bootstrap_iters: bootstrapIters,
    random_seed: seeds.random,
    fewshot_seed: seeds.fewshot,
    num_fewshot: numFewshot ?? null,
    apply_chat_template: !!flags.apply_chat_template,
    system_instruction: flags.system_instruction ?? null,
    fewshot_as_multiturn: fewshotAsMultiturn,
    gen_kwargs: null,
    think: think.mode === 'strip' ? `strip ${think.open},${think.close}` : 'keep',
    max_gen_toks: maxGenToks ?? null,
    predict_only: !!flags.predict_only,
    backend: { id: inner.id, ...inner.info },
    evalboard_version: evalboardVersion(),
    git_commit: gitCommit(),
    argv: numberAffectingArgv(argv),
  };
  const report = buildReport(outcomes, groups, config, {
    start_time: started.toISOString(),
    end_time: ended.toISOString(),
    total_evaluation_time_seconds: (ended.getTime() - started.getTime()) / 1000,
    cache: {
      hits: stats.hits,
      fresh: stats.fresh,
      path: cache?.path ?? null,
      ...(cache?.recovered ? { recovered: cache.recovered } : {}),
    },
    tokens_per_second: rates.tps,
    requests_per_second: rates.rps,
  });

  suite?.attach(report);

  let resultsPath: string | undefined;
  if (paths) {
    if (flags.log_samples)
      for (const o of outcomes) await writeSamplesInOrder(paths.samples(o.task.name), sampleRows(o));
    writeResults(paths.results, report);
    resultsPath = paths.results;
    process.stderr.write(`results: ${paths.results}\n`);
  }
  process.stdout.write(
    `${flags.model} (${modelArgsText}), limit: ${limit ?? 'None'}, num_fewshot: ${numFewshot ?? 'None'}, batch_size: ${batchSize}\n`,
  );
  process.stdout.write(`${resultsTable(report)}\n`);
  const groupTable = resultsTable(report, 'groups');
  if (groupTable) process.stdout.write(`\n${groupTable}\n`);
  if (report.suite) process.stdout.write(`\n${suiteTable(report.suite)}\n`);
  return { report, outcomes, resultsPath };
}

function modelName(model: string, args: Readonly<Record<string, string>>): string {
  const spec = args.pretrained ?? args.path ?? model;
  return spec.replace(/^hf:/, '').replace(/\.gguf$/, '');
}

function chatFormat(apply: ChatTemplate, fewshotAsMultiturn: boolean): ChatFormat {
  return { render: apply, fewshotAsMultiturn };
}

/** The command line minus where files go, so runs into different folders compare equal. */
function numberAffectingArgv(argv: readonly string[]): string[] {
  const placement = new Set(['--output_path', '--use_cache']);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = normalizeFlags([argv[i]!])[0]!.split('=')[0]!;
    if (placement.has(name)) {
      if (!argv[i]!.includes('=')) i++;
      continue;
    }
    if (name === '--quiet' || name === '--verbose' || name === '-v') continue;
    out.push(argv[i]!);
  }
  return out;
}

/**
 * First Ctrl-C: stop after the in-flight batch (every finished result is already journaled).
 * Second: stop at once.
 */
function onInterrupt(beforeExit: () => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) {
      beforeExit();
      process.exit(130);
    }
    process.stderr.write('\ninterrupting after the in-flight batch (Ctrl-C again to stop now)\n');
    controller.abort();
  };
  process.on('SIGINT', handler);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', handler) };
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Command } from 'commander';
import { type ChatTemplate, openBackend } from '../cache/index.ts';
import { openScoreCache } from '../cache/score-store.ts';
import { UserError } from '../errors.ts';
import { type EvaluateOptions, evaluate, type TaskOutcome } from '../evaluator/evaluate.ts';
import type { TaskDefinition } from '../task/types.ts';
import { buildReport } from '../report/build.ts';
import {
  docSampleRows,
  openSamplesWriter,
  partialPath,
  type SamplesWriter,
  sampleRows,
  writeSamplesInOrder,
} from '../report/samples.ts';
import { repeatSamplesPath, repeatsTable, summariseRepeats } from '../report/repeats.ts';
import type { ResultsReport, RunConfig, SampleRow } from '../report/schema.ts';
import { lmEvalHeader, tokenizerFacts } from '../report/lm-eval-header.ts';
import { suiteTable } from '../report/suite-table.ts';
import { resultsTable } from '../report/table.ts';
import { openSuite } from '../suites/index.ts';
import { fileTimestamp, outputPaths, sanitizeModelName, writeResults } from '../report/write.ts';
import type { ChatFormat } from '../instances/build.ts';
import { evalboardVersion, gitCommit } from '../util/version.ts';
import {
  normalizeFlags,
  parseBatchSize,
  parseGenKwargs,
  parseNonNegativeInt,
  parseSamples,
  parseThink,
} from './options.ts';
import { evaluationOptions, loadTaskCatalog, parseEvaluationFlags, printCatalogWarnings } from './common-flags.ts';
import { Progress } from './progress.ts';
import { addRunFlags, type RunFlags, refuseUnsupportedFlags } from './run-flags.ts';
import { expandTaskPaths, folderHint, withGenKwargs, writeOutPrompts } from './run-tasks.ts';
import { codeRunnerFor } from './unsafe-code.ts';

export type { RunFlags } from './run-flags.ts';

export function registerRun(program: Command): void {
  addRunFlags(
    program.command('run').description('evaluate a model on tasks and write lm-eval-compatible results'),
  ).action(async (flags: RunFlags) => {
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

/** Every task whose data files are absent, in one line, before the model is opened. */
function refuseMissingData(tasks: readonly TaskDefinition[]): void {
  const missing = tasks.flatMap((task) => {
    const where = task.missingData?.();
    return where ? [`${task.name} (${where})`] : [];
  });
  if (missing.length > 0)
    throw new UserError(
      `data missing for ${missing.length} task${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`,
      { field: '--data_dir' },
      'put the files there, or leave these tasks out',
    );
}

function parsePromptsMode(mode: string | undefined): boolean {
  if (mode === undefined || mode === 'spread') return false;
  if (mode === 'all') return true;
  throw new UserError(`unknown mode ${mode}`, { field: '--prompts' }, 'use spread or all');
}

export interface RunHooks {
  /** Called with the loaded tasks and the backend before any request is sent. */
  readonly beforeDispatch?: EvaluateOptions['beforeDispatch'];
  /** Told what the progress line shows (requests planned, each one answered): a job worker reports it. */
  readonly progress?: NonNullable<EvaluateOptions['progress']>;
  /** Stops the run as Ctrl-C does (a job worker whose job was taken away). */
  readonly signal?: AbortSignal;
}

export interface RunOutput {
  readonly report: ResultsReport;
  readonly outcomes: readonly TaskOutcome[];
  readonly resultsPath: string | undefined;
}

export async function executeRun(flags: RunFlags, argv: readonly string[], hooks: RunHooks = {}): Promise<RunOutput> {
  const started = new Date();
  refuseUnsupportedFlags(flags);
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
  const repeats = parseNonNegativeInt(flags.repeats, '--repeats') ?? 1;
  if (repeats < 1) throw new UserError('must be at least 1', { field: '--repeats' });
  if (flags.samples !== undefined && limit !== undefined)
    throw new UserError('--samples and --limit exclude each other', { field: '--samples' }, 'give one of them');
  const samples = flags.samples === undefined ? undefined : parseSamples(flags.samples, readTextFile);
  const genKwargs = flags.gen_kwargs === undefined ? undefined : parseGenKwargs(flags.gen_kwargs);
  const multiturn = parseMultiturn(flags.fewshot_as_multiturn);
  if (multiturn && !flags.apply_chat_template)
    throw new UserError('few-shot turns need a chat', { field: '--fewshot_as_multiturn' }, 'add --apply_chat_template');
  if (flags.suite && normalizeFlags(argv).some((a) => a === '--tasks' || a.startsWith('--tasks=')))
    throw new UserError('--suite runs its own tasks', { field: '--tasks' }, 'give --suite or --tasks, not both');
  const taskEntries = flags.suite
    ? []
    : flags.tasks
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
  const { names: requested, includePaths: taskFolders } = await expandTaskPaths(taskEntries);

  const { catalog, warnings } = await loadTaskCatalog(flags, taskFolders);
  const suite = flags.suite ? await openSuite(flags.suite, catalog, { predictOnly: !!flags.predict_only }) : undefined;
  for (const notice of suite?.notices ?? []) process.stderr.write(`warning: ${notice}\n`);
  const taskNames = suite ? [...suite.taskNames] : requested;
  if (taskNames.length === 0)
    throw new UserError('no task given', { field: '--tasks' }, '`evalboard tasks` lists them');
  const resolved = catalog.resolve(taskNames, folderHint(taskEntries));
  const tasks = genKwargs ? resolved.tasks.map((t) => withGenKwargs(t, genKwargs)) : resolved.tasks;
  const groups = resolved.groups;
  const unknownSampled = Object.keys(samples ?? {}).filter((name) => !tasks.some((t) => t.name === name));
  if (unknownSampled.length > 0)
    throw new UserError(`names tasks that are not run: ${unknownSampled.join(', ')}`, { field: '--samples' });
  // After resolving: a requested task that needs a broken file fails with that file as its one line.
  printCatalogWarnings(warnings);
  refuseMissingData(tasks);
  const allPrompts = parsePromptsMode(flags.prompts);
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
  const fewshotAsMultiturn = !!flags.apply_chat_template && (multiturn ?? true);
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
  // Run r of --repeats uses seeds S + r (sampling and few-shot draws); run 0 is the plain run.
  const runSeeds = (run: number) => ({ random: seeds.random + run, fewshot: seeds.fewshot + run });
  const evaluateRun = (run: number, onDocScored: EvaluateOptions['onDocScored'] | undefined) =>
    evaluate({
      backend,
      tasks,
      ...evaluationOptions(parsed),
      fewshotSeed: runSeeds(run).fewshot,
      ...(samples ? { samples } : {}),
      ...(chat ? { chat } : {}),
      ...(flags.system_instruction !== undefined ? { systemInstruction: flags.system_instruction } : {}),
      onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
      ...(maxGenToks !== undefined ? { maxGenToks } : {}),
      think,
      predictOnly: !!flags.predict_only,
      samplingSeed: runSeeds(run).random,
      ...(allPrompts ? { allPrompts } : {}),
      ...(codeRunner ? { codeRunner } : {}),
      ...(scoreCache ? { scoreCache } : {}),
      progress: hooks.progress ? teeProgress(progress, hooks.progress) : progress,
      signal: hooks.signal ? AbortSignal.any([interrupt.signal, hooks.signal]) : interrupt.signal,
      beforeDispatch: (prepared, dispatchTo) => {
        if (flags.write_out) writeOutPrompts(prepared, (text) => process.stderr.write(text));
        hooks.beforeDispatch?.(prepared, dispatchTo);
      },
      ...(onDocScored ? { onDocScored } : {}),
    });
  let outcomes: Awaited<ReturnType<typeof evaluate>>;
  const extraRuns: { run: number; outcomes: TaskOutcome[] }[] = [];
  try {
    // Samples are appended to <file>.partial as documents finish, so a crash keeps every scored row;
    // the finished run renames it to <file>, in doc order.
    outcomes = await evaluateRun(0, paths && flags.log_samples ? streamSample : undefined);
    for (let run = 1; run < repeats; run++) extraRuns.push({ run, outcomes: await evaluateRun(run, undefined) });
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
    gen_kwargs: flags.gen_kwargs ?? null,
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
    ...(inner.usage && { usage: inner.usage() }),
  });

  suite?.attach(report);

  let resultsPath: string | undefined;
  const runs = [{ run: 0, outcomes }, ...extraRuns];
  // Run 0's samples keep the plain name; run r's go beside them (repeatSamplesPath).
  const samplesPath = (task: string, run: number) =>
    run === 0 ? paths!.samples(task) : repeatSamplesPath(paths!.samples(task), run);
  const run0Samples: Record<string, SampleRow[]> = {};
  if (paths && flags.log_samples)
    for (const { run, outcomes: runOutcomes } of runs)
      for (const o of runOutcomes) {
        const rows = sampleRows(o);
        if (run === 0) run0Samples[o.task.name] = rows;
        await writeSamplesInOrder(samplesPath(o.task.name, run), rows);
      }
  Object.assign(
    report,
    lmEvalHeader({
      modelSource: flags.model,
      modelName: lmEvalModelName(modelArgs),
      modelNameSanitized: sanitizeModelName(modelName(flags.model, modelArgs)),
      systemInstruction: flags.system_instruction ?? null,
      fewshotAsMultiturn,
      applyChatTemplate: !!flags.apply_chat_template,
      tokenizer: tokenizerFacts(inner.info.details),
      maxLength: Number.isFinite(inner.maxLength) ? inner.maxLength : null,
      gitHash: config.git_commit,
      evalboardVersion: config.evalboard_version,
      started,
      samples: paths && flags.log_samples ? run0Samples : null,
    }),
  );
  if (repeats > 1)
    report.repeated_runs = summariseRepeats(
      runs.map(({ run, outcomes: runOutcomes }) => ({
        seeds: runSeeds(run),
        results: run === 0 ? report.results : buildReport(runOutcomes, groups, config, report.timing).results,
        samples:
          paths && flags.log_samples
            ? Object.fromEntries(runOutcomes.map((o) => [o.task.name, basename(samplesPath(o.task.name, run))]))
            : {},
      })),
    );
  if (paths) {
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
  if (report.repeated_runs) process.stdout.write(`\n${repeatsTable(report.repeated_runs)}\n`);
  if (flags.show_config) process.stdout.write(`\n${JSON.stringify(report.configs, null, 2)}\n`);
  return { report, outcomes, resultsPath };
}

type ProgressListener = NonNullable<EvaluateOptions['progress']>;

function teeProgress(a: ProgressListener, b: ProgressListener): ProgressListener {
  return {
    onPlanned: (requests) => {
      a.onPlanned(requests);
      b.onPlanned(requests);
    },
    onRequestDone: (kind, tokens) => {
      a.onRequestDone(kind, tokens);
      b.onRequestDone(kind, tokens);
    },
  };
}

/** A file's text, or undefined where the argument is not a readable file (so it is the JSON itself). */
function readTextFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** lm-eval's GeneralConfigTracker._get_model_name: the first of these model_args, as given. */
function lmEvalModelName(args: Readonly<Record<string, string>>): string {
  for (const key of ['peft', 'delta', 'pretrained', 'model', 'path', 'engine'])
    if (args[key] !== undefined) return args[key]!;
  return '';
}

function modelName(model: string, args: Readonly<Record<string, string>>): string {
  const spec = args.pretrained ?? args.path ?? model;
  return spec.replace(/^hf:/, '').replace(/\.gguf$/, '');
}

/** lm-eval main's reading: bare flag → true; else "true", "1" or "yes" (any case) → true; unset → undefined. */
function parseMultiturn(value: boolean | string | undefined): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  return ['true', '1', 'yes'].includes(value.toLowerCase());
}

function chatFormat(apply: ChatTemplate, fewshotAsMultiturn: boolean): ChatFormat {
  return { render: apply, fewshotAsMultiturn };
}

/** The command line minus where files go and what is only printed, so such runs compare equal. */
function numberAffectingArgv(argv: readonly string[]): string[] {
  const placement = new Set(['--output_path', '--use_cache']);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = normalizeFlags([argv[i]!])[0]!.split('=')[0]!;
    if (placement.has(name)) {
      if (!argv[i]!.includes('=')) i++;
      continue;
    }
    if (['--quiet', '--verbose', '-v', '--write_out', '--show_config'].includes(name)) continue;
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

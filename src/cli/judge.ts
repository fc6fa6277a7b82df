import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { openBackend } from '../cache/index.ts';
import { resolveDataDir } from '../documents/data-dir.ts';
import { UserError } from '../errors.ts';
import {
  type AlpacaEvalOptions,
  type ArenaHardOptions,
  type JudgeBenchmarkName,
  type JudgeOutcome,
  judgeResultsReport,
  judges,
  judgeSampleRows,
  JUDGE_TASK,
  type MtBenchOptions,
  writeSampleRows,
} from '../judges/index.ts';
import { locateAnswerFile } from '../judges/answers/locate.ts';
import { fileTimestamp, outputPaths, writeResults } from '../report/write.ts';
import { evalboardVersion, gitCommit } from '../util/version.ts';
import { positiveInteger } from './compare.ts';

interface JudgeFlags {
  answers?: string;
  judge?: string;
  baseline?: string;
  questions?: string;
  references?: string;
  judgments?: string;
  preferences?: string;
  instructions?: string;
  lc_weights?: string;
  instruction_difficulty?: string;
  df_gamed?: string;
  baseline_model?: string;
  bootstrap_rounds: string;
  seed: string;
  max_tokens?: string;
  limit?: string;
  benchmark_version: string;
  style_control?: boolean;
  batch_size: string;
  output_path?: string;
  json?: string;
  csv?: string;
  use_cache?: string;
  no_cache?: boolean;
  data_dir?: string;
}

const OPTIONS: readonly (readonly [string, string, string?])[] = [
  ['--answers <path>', 'the judged model’s answers in the benchmark’s own format, or the folder generate wrote'],
  ['--judge <backend:args>', 'the judge model, e.g. llamacpp:pretrained=judge.gguf or openai-chat:base_url=…,model=…'],
  ['--baseline <file>', 'the baseline’s answers (Arena-Hard: default gpt-4-0314 from the data folder)'],
  ['--questions <file>', 'questions (default: the benchmark’s question.jsonl in the data folder)'],
  ['--references <file>', 'MT-Bench reference answers (default: reference_answer/gpt-4.jsonl in the data folder)'],
  ['--judgments <file>', 'recompute from judgments made elsewhere (Arena-Hard or FastChat JSONL), asking no judge'],
  ['--preferences <file>', 'AlpacaEval: recompute from annotations.json or a preferences CSV, asking no judge'],
  ['--instructions <file>', 'AlpacaEval preferences CSV: instructions.jsonl with the baseline lengths'],
  ['--lc_weights <file>', 'AlpacaEval: length_controlled_v1 weights CSV'],
  ['--instruction_difficulty <file>', 'AlpacaEval: instruction_difficulty.csv (with --lc_weights)'],
  [
    '--benchmark_version <v>',
    'Arena-Hard: v0.1 (gpt-4-0314 baseline) or v2.0 (hard prompts, o3-mini baseline)',
    'v0.1',
  ],
  ['--style_control', 'Arena-Hard: also the style-controlled score (length, headers, lists, bold), as v2 reports it'],
  ['--df_gamed <file>', 'AlpacaEval: df_gamed.csv, to fit length_controlled_v1 for models not in --lc_weights'],
  ['--baseline_model <name>', 'Arena-Hard --judgments: the baseline’s name in the file (default: the version’s)'],
  ['--bootstrap_rounds <n>', 'Arena-Hard bootstrap rounds for the 95 % interval', '100'],
  ['--seed <n>', 'seed of the bootstrap', '42'],
  ['--max_tokens <n>', 'judge reply length (default: the published config’s)'],
  ['--limit <n>', 'judge only the first N questions (instructions)'],
  ['--batch_size <n>', 'judge batch size', '1'],
  ['--output_path <dir>', 'write a results file and a samples file per judged model'],
  ['--json <file>', 'write the leaderboard as JSON'],
  ['--csv <file>', 'write the leaderboard as CSV'],
  ['--use_cache <path>', 'request cache file for the judge (default: under $EVALBOARD_CACHE)'],
  ['--no_cache', 'do not read or write the request cache'],
  ['--data_dir <dir>', 'dataset folder (default: $EVALBOARD_DATA_DIR or ../shared/datasets)'],
];

/** `evalboard judge arena-hard|mt-bench|alpaca-eval`: judge a model's answers, or recompute a published leaderboard. */
export function registerJudge(program: Command): void {
  const command = program
    .command('judge <benchmark>')
    .description(
      'LLM-as-judge: arena-hard, mt-bench or alpaca-eval; judges --answers with --judge, or recomputes --judgments',
    );
  for (const [flag, help, fallback] of OPTIONS) command.option(flag, help, fallback);
  command.action(async (benchmark: string, flags: JudgeFlags) => {
    await executeJudge(benchmark, flags, process.argv.slice(2));
  });
}

export async function executeJudge(
  benchmark: string,
  flags: JudgeFlags,
  argv: readonly string[],
): Promise<JudgeOutcome> {
  if (!(benchmark in judges))
    throw new UserError(
      `unknown judge benchmark "${benchmark}"`,
      { field: 'benchmark' },
      `use ${Object.keys(judges).join(', ')}`,
    );
  const name = benchmark as JudgeBenchmarkName;
  const started = new Date();
  const options = judgeOptions(name, flags);
  const recordedFile = name === 'alpaca-eval' ? flags.preferences : flags.judgments;
  let outcome: JudgeOutcome;
  let judgeFacts: Parameters<typeof judgeResultsReport>[2]['judge'] = null;
  let cache: { hits: number; fresh: number; path: string | null } = { hits: 0, fresh: 0, path: null };
  if (recordedFile) {
    outcome = recompute(name, recordedFile, options);
  } else {
    if (!flags.judge)
      throw new UserError(
        'say which model judges',
        { field: '--judge' },
        'e.g. --judge llamacpp:pretrained=judge.gguf, or pass --judgments FILE',
      );
    const colon = flags.judge.indexOf(':');
    const backendName = colon < 0 ? flags.judge : flags.judge.slice(0, colon);
    const opened = await openBackend({
      model: backendName,
      modelArgs: colon < 0 ? undefined : flags.judge.slice(colon + 1),
      batchSize: flags.batch_size === 'auto' ? 'auto' : positiveInteger(flags.batch_size, '--batch_size'),
      seed: positiveInteger(flags.seed, '--seed', true),
      cache: flags.no_cache ? false : { path: flags.use_cache, taskNames: [`judge:${name}`] },
    });
    try {
      const model = { backend: opened.backend, ...(opened.chatTemplate ? { chatTemplate: opened.chatTemplate } : {}) };
      outcome = await judgeWith(name, model, options);
      judgeFacts = { spec: flags.judge, info: opened.inner.info, id: opened.inner.id };
      const stats = opened.cache?.stats();
      cache = { hits: stats?.hits ?? 0, fresh: stats?.fresh ?? 0, path: opened.cache?.path ?? null };
    } finally {
      await opened.close();
    }
  }
  const ended = new Date();
  process.stdout.write(leaderboardText(outcome));
  if (flags.json) writeFileSync(flags.json, `${JSON.stringify(outcome, null, 2)}\n`);
  if (flags.csv) writeFileSync(flags.csv, leaderboardCsv(outcome));
  if (flags.output_path) {
    for (const row of outcome.rows) {
      if (!outcome.judgments.some((j) => j.model === row.model) && recordedFile === undefined) continue;
      const paths = outputPaths(flags.output_path, row.model, fileTimestamp(started));
      const report = judgeResultsReport(outcome, row, {
        judge: judgeFacts,
        source: recordedFile ?? flags.answers ?? '',
        settings: settingsOf(options),
        bootstrapRounds: positiveInteger(flags.bootstrap_rounds, '--bootstrap_rounds'),
        seed: positiveInteger(flags.seed, '--seed', true),
        evalboardVersion: evalboardVersion(),
        gitCommit: gitCommit(),
        argv: withoutOutputFlags(argv),
        timing: {
          start_time: started.toISOString(),
          end_time: ended.toISOString(),
          total_evaluation_time_seconds: (ended.getTime() - started.getTime()) / 1000,
          cache,
          tokens_per_second: 0,
          requests_per_second: 0,
        },
      });
      writeResults(paths.results, report);
      const rows = judgeSampleRows(outcome, row.model);
      if (rows.length) writeSampleRows(paths.samples(outcome.task ?? JUDGE_TASK[name]), rows);
      process.stderr.write(`results: ${paths.results}\n`);
    }
  }
  return outcome;
}

type AnyOptions = ArenaHardOptions & MtBenchOptions & AlpacaEvalOptions;

function judgeOptions(name: JudgeBenchmarkName, flags: JudgeFlags): AnyOptions {
  const data = resolveDataDir(flags.data_dir);
  const version = flags.benchmark_version;
  if (version !== 'v0.1' && version !== 'v2.0')
    throw new UserError(
      `unknown Arena-Hard version "${version}"`,
      { field: '--benchmark_version' },
      'use v0.1 or v2.0',
    );
  const arenaBaseline = version === 'v0.1' ? 'baseline_gpt-4-0314.jsonl' : 'baseline_o3-mini-2025-01-31.jsonl';
  const fromData = (...parts: string[]) => (data ? join(data, ...parts) : undefined);
  const defaults: Record<JudgeBenchmarkName, Partial<AnyOptions>> = {
    'arena-hard': {
      questions: fromData(`arena-hard/${version}/question.jsonl`),
      baseline: fromData(`arena-hard/${version}`, arenaBaseline),
    },
    'mt-bench': {
      questions: fromData('mt-bench/question.jsonl'),
      references: fromData('mt-bench/reference_answer/gpt-4.jsonl'),
    },
    'alpaca-eval': {},
  };
  const given: Partial<AnyOptions> = {
    answers: flags.answers === undefined ? undefined : locateAnswerFile(flags.answers, name, version),
    baseline: flags.baseline,
    questions: flags.questions,
    references: flags.references,
    instructions: flags.instructions,
    lcWeights: flags.lc_weights,
    instructionDifficulty: flags.instruction_difficulty,
    dfGamed: flags.df_gamed,
    baselineModel: flags.baseline_model,
    version,
    styleControl: flags.style_control,
    bootstrapRounds: positiveInteger(flags.bootstrap_rounds, '--bootstrap_rounds'),
    seed: positiveInteger(flags.seed, '--seed', true),
    maxTokens: flags.max_tokens === undefined ? undefined : positiveInteger(flags.max_tokens, '--max_tokens'),
    limit: flags.limit === undefined ? undefined : positiveInteger(flags.limit, '--limit'),
  };
  const merged: Record<string, unknown> = { ...defaults[name] };
  for (const [key, value] of Object.entries(given)) if (value !== undefined) merged[key] = value;
  return merged as AnyOptions;
}

function recompute(name: JudgeBenchmarkName, file: string, options: AnyOptions): JudgeOutcome {
  if (name === 'arena-hard') return judges['arena-hard'].recompute(file, options);
  if (name === 'mt-bench') return judges['mt-bench'].recompute(file, options);
  return judges['alpaca-eval'].recompute(file, options);
}

function judgeWith(
  name: JudgeBenchmarkName,
  model: Parameters<(typeof judges)['arena-hard']['judge']>[0],
  options: AnyOptions,
) {
  if (name === 'arena-hard') return judges['arena-hard'].judge(model, options);
  if (name === 'mt-bench') return judges['mt-bench'].judge(model, options);
  return judges['alpaca-eval'].judge(model, options);
}

function settingsOf(options: AnyOptions): Record<string, string | number | boolean> {
  return Object.fromEntries(
    Object.entries(options).filter((e): e is [string, string | number | boolean] =>
      ['string', 'number', 'boolean'].includes(typeof e[1]),
    ),
  );
}

/** The command line minus where files go, as `run` records it. */
function withoutOutputFlags(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (['--output_path', '--json', '--csv', '--use_cache'].includes(arg)) i++;
    else if (!/^--(output_path|json|csv|use_cache)=/.test(arg)) out.push(arg);
  }
  return out;
}

function scoreColumns(outcome: JudgeOutcome): string[] {
  const names = new Set<string>([outcome.primary]);
  for (const row of outcome.rows) for (const key of Object.keys(row.scores)) names.add(key);
  return [...names];
}

function format(value: number | undefined): string {
  if (value === undefined) return '';
  if (Number.isNaN(value)) return 'n/a';
  return Number.isInteger(value) ? String(value) : value.toFixed(4);
}

/** The leaderboard as a Markdown table, the primary score first, with its 95 % interval. */
export function leaderboardText(outcome: JudgeOutcome): string {
  const columns = scoreColumns(outcome);
  const primaryCi = outcome.rows.some((r) => r.ci[outcome.primary]);
  const header = ['model', ...columns, ...(primaryCi ? ['95% CI'] : []), 'malformed'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of outcome.rows) {
    const ci = row.ci[outcome.primary];
    const cells = [
      row.model,
      ...columns.map((c) => format(row.scores[c])),
      ...(primaryCi ? [ci ? `${ci[0].toFixed(2)} – ${ci[1].toFixed(2)}` : ''] : []),
      String(outcome.malformed[row.model] ?? 0),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const notes = outcome.notes.map((n) => `note: ${n}`);
  return `${[`${outcome.benchmark} (${outcome.primary})`, ...lines, ...notes].join('\n')}\n`;
}

function leaderboardCsv(outcome: JudgeOutcome): string {
  const columns = scoreColumns(outcome);
  const ciColumns = [...new Set(outcome.rows.flatMap((r) => Object.keys(r.ci)))];
  const header = ['model', ...columns, ...ciColumns.flatMap((c) => [`${c}_ci_low`, `${c}_ci_high`]), 'malformed'];
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = outcome.rows.map((row) =>
    [
      quote(row.model),
      ...columns.map((c) => (row.scores[c] === undefined ? '' : String(row.scores[c]))),
      ...ciColumns.flatMap((c) => (row.ci[c] ? [String(row.ci[c][0]), String(row.ci[c][1])] : ['', ''])),
      String(outcome.malformed[row.model] ?? 0),
    ].join(','),
  );
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

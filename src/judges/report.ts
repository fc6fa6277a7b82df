import type { BackendInfo } from '../backends/types.ts';
import { pythonJsonDumps } from '../python/json.ts';
import { sha256Hex, taskConfigHash } from '../report/hashes.ts';
import { samplesLine, sanitizeList } from '../report/samples.ts';
import { REPORT_SCHEMA_VERSION, type ResultsReport, type SampleRow } from '../report/schema.ts';
import { writeFileAtomic } from '../report/write.ts';
import type { JudgeBenchmarkName, JudgeOutcome, LeaderboardRow } from './types.ts';

/** The task name a judge's scores are filed under in a results file (the names `generate --tasks` uses). */
export const JUDGE_TASK: Readonly<Record<JudgeBenchmarkName, string>> = {
  'arena-hard': 'arena_hard_v0.1',
  'mt-bench': 'mt_bench',
  'alpaca-eval': 'alpaca_eval',
};

export interface JudgeRunFacts {
  /** The judge: its backend description, or null when judgments were recomputed from a file. */
  readonly judge: { readonly spec: string; readonly info: BackendInfo; readonly id: string } | null;
  /** The judged answers or the judgments file. */
  readonly source: string;
  readonly settings: Readonly<Record<string, string | number | boolean>>;
  readonly bootstrapRounds: number;
  readonly seed: number;
  readonly evalboardVersion: string;
  readonly gitCommit: string | null;
  readonly argv: readonly string[];
  readonly timing: ResultsReport['timing'];
}

/**
 * One model's judge scores as an evalboard results file, so the leaderboard, compare and the
 * service read them like any run: `results.<task>` holds `<score>,none` keys, `evalboard.ci` the
 * intervals, `config.backend` the judge model, and `config.model_args` names the judged model as
 * `pretrained=` (what readers take as the model's name).
 */
export function judgeResultsReport(outcome: JudgeOutcome, row: LeaderboardRow, facts: JudgeRunFacts): ResultsReport {
  const task = outcome.task ?? JUDGE_TASK[outcome.benchmark];
  const judged = outcome.judgments.filter((j) => j.model === row.model).length;
  const entries: Record<string, number | string> = { alias: task };
  for (const [name, value] of Object.entries(row.scores)) {
    entries[`${name},none`] = value;
    entries[`${name}_stderr,none`] = 'N/A';
  }
  if (outcome.benchmark === 'alpaca-eval' && 'standard_error' in row.scores)
    entries['win_rate_stderr,none'] = row.scores.standard_error!;
  entries['malformed_judgments,none'] = outcome.malformed[row.model] ?? 0;
  const ci: Record<string, [number, number]> = {};
  for (const [name, [low, high]] of Object.entries(row.ci)) ci[`${name},none`] = [low, high];
  const configs = {
    task,
    judge_benchmark: outcome.benchmark,
    judge: facts.judge?.spec ?? null,
    source: facts.source,
    primary_score: outcome.primary,
    notes: outcome.notes,
    ...facts.settings,
  };
  const backend = facts.judge
    ? { id: facts.judge.id, ...facts.judge.info }
    : { id: 'judgments-file', backend: 'judgments-file', modelId: facts.source, settings: {}, details: {} };
  return {
    results: { [task]: entries },
    groups: {},
    group_subtasks: {},
    configs: { [task]: configs },
    versions: { [task]: 1 },
    'n-shot': { [task]: 0 },
    higher_is_better: { [task]: Object.fromEntries(Object.keys(row.scores).map((k) => [k, k !== 'standard_error'])) },
    'n-samples': { [task]: { original: judged, effective: judged } },
    config: {
      model: 'answers',
      model_args: `pretrained=${row.model},answers=${facts.source}`,
      batch_size: 1,
      limit: null,
      bootstrap_iters: facts.bootstrapRounds,
      random_seed: facts.seed,
      fewshot_seed: facts.seed,
      num_fewshot: 0,
      apply_chat_template: false,
      system_instruction: null,
      gen_kwargs: null,
      think: 'keep',
      max_gen_toks: null,
      predict_only: false,
      backend,
      evalboard_version: facts.evalboardVersion,
      git_commit: facts.gitCommit,
      argv: [...facts.argv],
    },
    evalboard: {
      schema_version: REPORT_SCHEMA_VERSION,
      tasks: {
        [task]: {
          requests: { generateUntil: outcome.judgments.filter((j) => j.model === row.model).length },
          truncated: 0,
          hitMaxTokens: 0,
          scoredTokens: 0,
          generatedTokens: 0,
          reasoningTokens: 0,
          unterminatedReasoning: 0,
          task_hash: taskConfigHash(configs),
          sources: null,
        },
      },
      ci: { [task]: ci },
    },
    timing: facts.timing,
  };
}

/** One samples row per judged question (or turn): the judge's prompts and replies, the parsed verdicts. */
export function judgeSampleRows(outcome: JudgeOutcome, model: string): SampleRow[] {
  const metric =
    outcome.benchmark === 'arena-hard' ? 'win_share' : outcome.benchmark === 'mt-bench' ? 'score' : 'preference';
  return outcome.judgments
    .filter((j) => j.model === model)
    .map((j, i) => {
      const doc = { question_id: j.questionId, model: j.model };
      const resps = j.judgments.map((t) => [t]);
      return {
        doc_id: i,
        doc,
        target: '',
        arguments: Object.fromEntries(j.prompts.map((p, k) => [`gen_args_${k}`, { arg_0: p, arg_1: {} }])),
        resps,
        // One filtered response per judge prompt, as lm-eval's sanitize_list writes it (no verdict: "None").
        filtered_resps: sanitizeList(j.parsed) as unknown[],
        filter: 'none',
        metrics: [metric],
        doc_hash: sha256Hex(pythonJsonDumps(doc, { indent: 2 })),
        prompt_hash: sha256Hex(j.prompts.join('\u0000')),
        target_hash: sha256Hex(''),
        [metric]: j.value,
        evalboard: { target: '', resps, filtered_resps: j.parsed },
      };
    });
}

export function writeSampleRows(path: string, rows: readonly SampleRow[]): void {
  writeFileAtomic(path, rows.map(samplesLine).join(''));
}

import { alpacaEvalJudge } from './alpaca-eval/index.ts';
import { arenaHardJudge } from './arena-hard/index.ts';
import { mtBenchJudge } from './mt-bench/index.ts';
import type { JudgeBenchmarkName } from './types.ts';

export type { AlpacaEvalOptions } from './alpaca-eval/index.ts';
export type { ArenaHardOptions } from './arena-hard/index.ts';
export type { MtBenchOptions } from './mt-bench/index.ts';
export { JUDGE_TASK, judgeResultsReport, judgeSampleRows, writeSampleRows } from './report.ts';
export type { Judge, JudgeBenchmarkName, JudgeModel, JudgeOutcome, LeaderboardRow } from './types.ts';

/** Every judge benchmark, by the name given to `evalboard judge`. */
export const judges = {
  'arena-hard': arenaHardJudge,
  'mt-bench': mtBenchJudge,
  'alpaca-eval': alpacaEvalJudge,
} satisfies Record<JudgeBenchmarkName, unknown>;

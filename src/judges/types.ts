import type { Backend } from '../backends/types.ts';

/** The benchmarks `evalboard judge` knows, by the name given on the command line. */
export type JudgeBenchmarkName = 'arena-hard' | 'mt-bench' | 'alpaca-eval';

/** One model's line of a judge leaderboard: named scores, and a 95 % interval where one is defined. */
export interface LeaderboardRow {
  readonly model: string;
  /** Score name → value, in the benchmark's own units (percent for win rates, 1–10 for MT-Bench). */
  readonly scores: Readonly<Record<string, number>>;
  /** Score name → [low, high]; only for the scores that have an interval. */
  readonly ci: Readonly<Record<string, readonly [number, number]>>;
}

/** What the judge said about one question (and turn or game), for the samples log. */
export interface JudgmentRecord {
  readonly model: string;
  readonly questionId: string;
  /** The prompts sent, one per game or turn, and the judge's replies. */
  readonly prompts: readonly string[];
  readonly judgments: readonly string[];
  /** The parsed verdicts or ratings, null where the judge's text had none. */
  readonly parsed: readonly (string | number | null)[];
  /** The per-question value the leaderboard averages (score, preference, win share). */
  readonly value: number | null;
}

export interface JudgeOutcome {
  readonly benchmark: JudgeBenchmarkName;
  /** The task name the scores are filed under, where it is not the benchmark's default (Arena-Hard v2.0). */
  readonly task?: string;
  /** Name of the headline score (the leaderboard's sort key). */
  readonly primary: string;
  readonly rows: readonly LeaderboardRow[];
  readonly judgments: readonly JudgmentRecord[];
  /** Judge replies that carried no verdict even after the retry, counted per model. */
  readonly malformed: Readonly<Record<string, number>>;
  /** One line each: what the reader should know (missing answers, a variant used). */
  readonly notes: readonly string[];
}

/** Where the judge's requests go: any backend, usually the request cache around it. */
export interface JudgeModel {
  readonly backend: Backend;
  /** Renders a chat for a local model; absent, the turns are joined as plain text (API backends read `messages`). */
  readonly chatTemplate?: Backend['applyChatTemplate'];
}

/**
 * A judge plug-in: it asks a judge model about a model's answers (`judge`), and recomputes its
 * leaderboard from judgments made elsewhere without asking anyone (`recompute`).
 */
export interface Judge<Options> {
  readonly name: JudgeBenchmarkName;
  judge(model: JudgeModel, options: Options): Promise<JudgeOutcome>;
  recompute(judgmentsFile: string, options: Options): JudgeOutcome;
}

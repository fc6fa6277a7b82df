/**
 * The results file: lm-eval v0.4's keys, plus `evalboard` (deterministic extras) and
 * `timing` (the only part that changes between identical runs). The server and UI read
 * only this module's types. Documented in docs/report-format.md; bump REPORT_SCHEMA_VERSION
 * on any incompatible change.
 */
export const REPORT_SCHEMA_VERSION = 1;

/** "acc,none": 0.5, "acc_stderr,none": 0.02, plus "alias". */
export type MetricEntries = Record<string, number | string | null>;

export interface TaskTokenCounts {
  /** Requests per kind sent for this task (after --limit, times repeats). */
  readonly requests: Readonly<Record<string, number>>;
  /** Docs whose context was left-truncated to fit the model's window. */
  readonly truncated: number;
  /** Generations that stopped at max_gen_toks. */
  readonly hitMaxTokens: number;
  /** Tokens scored (continuations, rolling texts) and generated. */
  readonly scoredTokens: number;
  readonly generatedTokens: number;
  /** Tokens inside reasoning blocks removed from generations (--think strip). */
  readonly reasoningTokens: number;
  /** Docs with a reasoning block that never closed: scored as an empty answer. */
  readonly unterminatedReasoning: number;
}

export interface RunConfig {
  readonly model: string;
  readonly model_args: string;
  readonly batch_size: number | string;
  readonly limit: number | null;
  readonly bootstrap_iters: number;
  readonly random_seed: number;
  readonly fewshot_seed: number;
  readonly num_fewshot: number | null;
  readonly apply_chat_template: boolean;
  readonly system_instruction: string | null;
  readonly gen_kwargs: string | null;
  /** "strip <open>,<close>" or "keep". */
  readonly think: string;
  readonly max_gen_toks: number | null;
  /** Outputs only, no metrics (--predict_only). */
  readonly predict_only: boolean;
  /** Everything about the model that changes outputs, from the backend. */
  readonly backend: {
    readonly id: string;
    readonly modelId: string;
    readonly settings: Readonly<Record<string, string | number | boolean>>;
    readonly details: Readonly<Record<string, unknown>>;
  };
  readonly evalboard_version: string;
  readonly git_commit: string | null;
  readonly argv: readonly string[];
}

export interface ResultsReport {
  readonly results: Record<string, MetricEntries>;
  readonly groups: Record<string, MetricEntries>;
  readonly group_subtasks: Record<string, string[]>;
  readonly configs: Record<string, unknown>;
  readonly versions: Record<string, number>;
  readonly 'n-shot': Record<string, number>;
  readonly higher_is_better: Record<string, Record<string, boolean>>;
  readonly 'n-samples': Record<string, { original: number; effective: number }>;
  readonly config: RunConfig;
  readonly evalboard: {
    readonly schema_version: number;
    readonly tasks: Record<string, TaskTokenCounts & { readonly task_hash: string; readonly sources: unknown }>;
  };
  /** Wall-clock facts; excluded when comparing two runs. */
  readonly timing: {
    readonly start_time: string;
    readonly end_time: string;
    readonly total_evaluation_time_seconds: number;
    readonly cache: {
      readonly hits: number;
      readonly fresh: number;
      readonly path: string | null;
      readonly recovered?: unknown;
    };
    readonly tokens_per_second: number;
    readonly requests_per_second: number;
  };
}

/** One line of samples_<task>.jsonl: one doc under one filter pipeline. */
export interface SampleRow {
  readonly doc_id: number;
  readonly doc: unknown;
  readonly target: unknown;
  readonly arguments: Record<string, Record<string, unknown>>;
  readonly resps: unknown[];
  readonly filtered_resps: unknown;
  readonly filter: string;
  readonly metrics: string[];
  readonly doc_hash: string;
  readonly prompt_hash: string;
  readonly target_hash: string;
  readonly [metric: string]: unknown;
}

/**
 * The results file and the samples rows: lm-eval v0.4's keys, plus `evalboard` (deterministic
 * extras) and `timing` (the only part that changes between identical runs). These zod schemas are
 * the contract: the types below are derived from them, and read.ts validates every file read
 * against them. The server and UI read only this module. Documented in docs/report-format.md;
 * bump REPORT_SCHEMA_VERSION on any incompatible change.
 */
import { z } from 'zod';
import { repeatedRunsSchema } from './repeats.ts';

export const REPORT_SCHEMA_VERSION = 2;
/** Versions read.ts still reads: 1 had typed values in the samples rows' lm-eval fields. */
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, REPORT_SCHEMA_VERSION];

const count = z.number().int().nonnegative();
const record = <T extends z.ZodType>(value: T) => z.record(z.string(), value);

/** "acc,none": 0.5, "acc_stderr,none": 0.02 (or "N/A"), plus "alias". */
const metricEntriesSchema = record(z.union([z.number(), z.string(), z.null()]));

const taskTokenCountsSchema = z.object({
  /** Requests per kind sent for this task (after --limit, times repeats). */
  requests: record(count),
  /** Docs whose context was left-truncated to fit the model's window. */
  truncated: count,
  /** Generations that stopped at max_gen_toks. */
  hitMaxTokens: count,
  /** Tokens scored (continuations, rolling texts) and generated. */
  scoredTokens: count,
  generatedTokens: count,
  /** Tokens inside reasoning blocks removed from generations (--think strip). */
  reasoningTokens: count,
  /** Docs with a reasoning block that never closed: scored as an empty answer. */
  unterminatedReasoning: count,
});

/** Each data file read for a task: its sha256 and row count. */
const sourcesSchema = record(z.object({ sha256: z.string(), rows: count }));

const runConfigSchema = z.object({
  model: z.string(),
  model_args: z.string(),
  batch_size: z.union([z.number(), z.string()]),
  limit: z.number().nullable(),
  bootstrap_iters: count,
  random_seed: z.number().int(),
  fewshot_seed: z.number().int(),
  num_fewshot: count.nullable(),
  apply_chat_template: z.boolean(),
  system_instruction: z.string().nullable(),
  /** Whether few-shot examples were user/assistant turns (only with apply_chat_template; lm-eval main's default). */
  fewshot_as_multiturn: z.boolean().optional(),
  gen_kwargs: z.string().nullable(),
  /** "strip <open>,<close>" or "keep". */
  think: z.string(),
  max_gen_toks: count.nullable(),
  /** Outputs only, no metrics (--predict_only). */
  predict_only: z.boolean(),
  /** Everything about the model that changes outputs, from the backend. */
  backend: z.object({
    id: z.string(),
    /** Backend name as given to --model. */
    backend: z.string(),
    modelId: z.string(),
    settings: record(z.union([z.string(), z.number(), z.boolean()])),
    details: record(z.unknown()),
  }),
  evalboard_version: z.string(),
  git_commit: z.string().nullable(),
  /** The command line minus where files go; `reproduce` reruns it. */
  argv: z.array(z.string()),
});

/** One metric of a task asked with several prompts: how much the score depends on the prompt. */
const promptScoresSchema = z.object({
  /** prompt id → the metric over the docs asked with that prompt. */
  scores: record(z.number()),
  /** prompt id → how many docs it asked. */
  docs: record(count),
  mean: z.number(),
  spread: z.number(),
  std: z.number(),
});

/** One benchmark of a suite: its raw score, the baseline it is normalised against, and the result. */
const suiteBenchmarkSchema = z.object({
  /** The task or group run for it. */
  task: z.string(),
  /** Metric keys averaged into the raw score ("acc_norm,none"). */
  metrics: z.array(z.string()),
  /** null: the task is missing from this build, or did not produce the metric (see `missing`). */
  raw: z.number().nullable(),
  /** 1/choices, 0 for generation; null when each subtask has its own (see `subtasks`). */
  baseline: z.number().nullable(),
  /** max(0, (raw − baseline) / (1 − baseline)) × 100, or the mean of the subtasks' when they have their own baselines. */
  normalised: z.number().nullable(),
  subtasks: record(z.object({ raw: z.number(), baseline: z.number(), normalised: z.number() })).optional(),
});

/** A suite run (`run --suite`): raw, normalised and total scores, and whether the setup was the suite's. */
export const suiteSectionSchema = z.object({
  name: z.string(),
  /** sha256 of the suite file, so two reports name the same definition. */
  file_sha256: z.string(),
  /** Keyed by the benchmark's name as the leaderboard writes it ("MMLU-PRO"). */
  benchmarks: record(suiteBenchmarkSchema),
  /** Mean of the normalised scores of the benchmarks that were scored. */
  total: z.number().nullable(),
  /** Every benchmark was scored: only then does `total` compare with the leaderboard's. */
  complete: z.boolean(),
  /** One line per benchmark that could not be scored, saying why. */
  missing: z.array(z.string()),
  setup: z.object({
    /** Shots, document counts, limit and generation settings all as the suite fixes them. */
    matched: z.boolean(),
    /** One line per difference. */
    mismatches: z.array(z.string()),
  }),
});

const tokenSchema = z.tuple([z.string(), z.string()]).nullable();

/**
 * lm-eval's own top-level keys (EvaluationTracker, add_env_info, add_tokenizer_info), for tools that
 * read lm-eval's results files. Optional: version 1 files lack them, and judge files carry none.
 */
export const lmEvalHeaderSchema = z.object({
  /** Per task, sha256 over its samples rows' doc_hash + prompt_hash + target_hash ({} without --log_samples). */
  task_hashes: record(z.string()),
  model_source: z.string(),
  model_name: z.string(),
  model_name_sanitized: z.string(),
  system_instruction: z.string().nullable(),
  system_instruction_sha: z.string().nullable(),
  fewshot_as_multiturn: z.boolean(),
  chat_template: z.string().nullable(),
  chat_template_sha: z.string().nullable(),
  git_hash: z.string().nullable(),
  /** Seconds since the epoch when the run started (time.time()); like `timing`, it differs between identical runs. */
  date: z.number(),
  /** [token text, str(token id)], as lm-eval writes them; null where the model has none or the backend cannot say. */
  tokenizer_pad_token: tokenSchema,
  tokenizer_eos_token: tokenSchema,
  tokenizer_bos_token: tokenSchema,
  eot_token_id: z.number().int().nullable(),
  max_length: z.number().int().nullable(),
  /** "0.4.9.2+evalboard.<version>": the lm-eval release whose files this one follows, and evalboard's version. */
  lm_eval_version: z.string(),
});

export const resultsReportSchema = z.object({
  ...lmEvalHeaderSchema.partial().shape,
  results: record(metricEntriesSchema),
  groups: record(metricEntriesSchema),
  group_subtasks: record(z.array(z.string())),
  configs: record(z.unknown()),
  versions: record(z.number()),
  'n-shot': record(count),
  higher_is_better: record(record(z.boolean())),
  'n-samples': record(z.object({ original: count, effective: count })),
  config: runConfigSchema,
  evalboard: z.object({
    schema_version: z.literal(REPORT_SCHEMA_VERSION),
    tasks: record(taskTokenCountsSchema.extend({ task_hash: z.string(), sources: sourcesSchema.nullable() })),
    /**
     * Per task, "metric,filter" → its 95 % percentile bootstrap interval [low, high] (or null where
     * no stderr is defined). Kept out of `results`, whose keys lm-eval's readers iterate.
     */
    ci: record(record(z.tuple([z.number(), z.number()]).nullable())).optional(),
    /**
     * Tasks with several prompts: per task, "metric,filter" (metrics averaged over docs) → the
     * score of each prompt's docs, their unweighted mean, spread (max − min) and population std.
     */
    prompts: record(record(promptScoresSchema)).optional(),
  }),
  /** Wall-clock facts; excluded when comparing two runs. */
  timing: z.object({
    start_time: z.string(),
    end_time: z.string(),
    total_evaluation_time_seconds: z.number(),
    cache: z.object({
      hits: count,
      fresh: count,
      path: z.string().nullable(),
      /** Set when the cache file was unreadable: why, and where it was moved (null: left in place, read-only). */
      recovered: z.object({ reason: z.string(), movedTo: z.string().nullable() }).optional(),
    }),
    tokens_per_second: z.number(),
    requests_per_second: z.number(),
    /** API backends: requests, retries, tokens billed and their cost in this run (it varies with retries and the cache). */
    usage: record(z.unknown()).optional(),
  }),
  /** Present when the run was a suite (`run --suite NAME`). */
  suite: suiteSectionSchema.optional(),
  /** Present with `run --repeats N` (N > 1): each metric across the N runs; `results` is run 0's. */
  repeated_runs: repeatedRunsSchema.optional(),
});

/**
 * The typed values behind a samples row's lm-eval fields, which lm-eval writes as Python strings
 * ("-1.25", "False"): evalboard's readers (ingest, analysis, MERA export) use these.
 */
const sampleExtrasSchema = z.looseObject({
  /** doc_to_target as evalboard holds it: a string, a gold index, or a list of golds. */
  target: z.unknown(),
  /** Per request, the list of its raw responses (all repeats): [logprob, is_greedy], logprob, or the text. */
  resps: z.array(z.unknown()),
  /** The response as filtered: [logprob, is_greedy] per choice, or the filtered generation. */
  filtered_resps: z.unknown(),
  /** Generation tasks only. */
  reasoning_tokens: count.optional(),
  unterminated_reasoning: z.boolean().optional(),
  /** Per metric, what its scorer recorded about the value (rule matched, execution outcome). */
  details: record(record(z.unknown())).optional(),
});

/**
 * One line of samples_<task>.jsonl: one doc under one filter pipeline, lm-eval's fields as lm-eval
 * writes them, one key per metric, and `evalboard` (the typed values). Rows of schema version 1
 * (typed values in lm-eval's fields, no `evalboard`) are read into this shape by read.ts.
 */
export const sampleRowSchema = z
  .looseObject({
    doc_id: count,
    /** Which of the task's prompts asked this doc (tasks with several prompts). */
    prompt_id: z.string().optional(),
    /** MERA tasks: the answer as a MERA submission's `outputs` carries it. */
    mera_prediction: z.unknown().optional(),
    doc: z.unknown(),
    /** Python's str(doc_to_target(doc)). */
    target: z.string(),
    /** {"gen_args_0": {"arg_0": context, "arg_1": continuation or generation kwargs}, ...} */
    arguments: record(record(z.unknown())),
    /** Per request, its responses as lm-eval's sanitize_list writes them (every leaf a Python str()). */
    resps: z.array(z.unknown()),
    /** Per request, the filtered response, as sanitize_list writes it. */
    filtered_resps: z.array(z.unknown()),
    filter: z.string(),
    /** Names of the metric keys that follow. */
    metrics: z.array(z.string()),
    doc_hash: z.string(),
    prompt_hash: z.string(),
    target_hash: z.string(),
    evalboard: sampleExtrasSchema,
  })
  .superRefine((row, ctx) => {
    for (const metric of row.metrics)
      if (!(metric in row)) ctx.addIssue({ code: 'custom', path: [metric], message: 'named in metrics but missing' });
  });

export type MetricEntries = z.infer<typeof metricEntriesSchema>;
export type TaskTokenCounts = z.infer<typeof taskTokenCountsSchema>;
export type RunConfig = z.infer<typeof runConfigSchema>;
export type ResultsReport = z.infer<typeof resultsReportSchema>;
export type LmEvalHeader = z.infer<typeof lmEvalHeaderSchema>;
export type SampleRow = z.infer<typeof sampleRowSchema>;
export type SampleExtras = z.infer<typeof sampleExtrasSchema>;
export type PromptScores = z.infer<typeof promptScoresSchema>;
export type SuiteSection = z.infer<typeof suiteSectionSchema>;
export type SuiteBenchmarkScore = z.infer<typeof suiteBenchmarkSchema>;

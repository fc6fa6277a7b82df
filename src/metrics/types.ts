import type { DocResponse } from '../responses/types.ts';
import type { Doc } from '../documents/types.ts';
import type { CodeRunner } from '../sandbox/types.ts';

/**
 * A per-sample value: a number, or an item only a corpus-level aggregation turns into a number,
 * shaped as lm-eval writes it to the samples file.
 */
export type SampleValue = number | readonly [number, number] | CorpusItem;

/** Per-document items of corpus-level metrics (lm-eval's passthrough metrics). */
export type CorpusItem =
  /** bleu, chrf, ter: (reference, prediction) strings, for sacrebleu's corpus scores. */
  | readonly [reference: string, prediction: string]
  /** brier_score (softmax of the log-likelihoods) and likelihood (the log-likelihoods): (gold, scores). */
  | readonly [gold: number, scores: readonly number[]]
  /** acc_all: whether this answer was judged right, and the (paragraph, question) it belongs to. */
  | readonly [correct: number, paragraph: string, question: string]
  /** grade_norm (MERA's USE): the item's points, its possible points, and the exam variant it belongs to. */
  | readonly [points: number, possible: number, variant: string];

export interface ScoreInput {
  readonly doc: Doc;
  readonly target: string | number | readonly string[];
  /** For text responses this is after the filter pipeline: one string. */
  readonly response: DocResponse;
  /** Text responses after the filter pipeline: the first (what string metrics compare). */
  readonly filtered?: string;
  /** Text responses after the filter pipeline, one per repeat where it keeps them all (pass@k). */
  readonly filteredAll?: readonly string[];
  readonly kwargs: Readonly<Record<string, unknown>>;
}

/** Aggregations by lm-eval name; `aggregations` must have every one (checked at compile time). */
export type AggregationName =
  | 'mean'
  | 'median'
  | 'perplexity'
  | 'weighted_perplexity'
  | 'bits_per_byte'
  | 'matthews_corrcoef'
  | 'agg_inst_level_acc'
  | 'f1'
  | 'bleu'
  | 'chrf'
  | 'brier_score'
  | 'acc_all'
  | 'ter'
  | 'grade_norm';

/** The built-in metrics by lm-eval name; `metrics` must have every one (checked at compile time). */
export type MetricName =
  | 'acc'
  | 'acc_norm'
  | 'acc_letter_prob'
  | 'exact_match'
  | 'perplexity'
  | 'word_perplexity'
  | 'byte_perplexity'
  | 'bits_per_byte'
  | 'prompt_level_strict_acc'
  | 'inst_level_strict_acc'
  | 'prompt_level_loose_acc'
  | 'inst_level_loose_acc'
  | 'math_equiv'
  | 'acc_mutual_info'
  | 'f1'
  | 'mcc'
  | 'bleu'
  | 'chrf'
  | 'rouge1'
  | 'rouge2'
  | 'rougeLsum'
  | 'brier_score'
  | 'acc_bytes'
  | 'likelihood'
  | 'acc_all'
  | 'ter'
  | 'pass_at_k'
  | 'pass_at_1'
  | 'pass_at_5'
  | 'pass_at_10'
  | 'grade_norm'
  | 'pass@1'
  | 'pass@5'
  | 'pass@10';

/**
 * A value with what a reader needs to audit it: which rule matched, why an execution failed.
 * The details are written to the samples row under `details.<metric>`.
 */
export interface ExplainedValue {
  readonly value: SampleValue;
  readonly details: Readonly<Record<string, unknown>>;
}

export type MetricResult = SampleValue | ExplainedValue;

/** What the scoring stage lends a metric: Ctrl-C, and the sandbox for metrics that run code. */
export interface MetricContext {
  readonly signal?: AbortSignal;
  /** Present only when the run allowed executing model code (--confirm_run_unsafe_code). */
  readonly codeRunner?: CodeRunner;
}

export interface Metric<Value extends MetricResult | Promise<MetricResult> = MetricResult | Promise<MetricResult>> {
  readonly name: string;
  readonly higherIsBetter: boolean;
  readonly defaultAggregation: AggregationName;
  /**
   * One document's value. A metric that runs code, asks a judge or a CAS returns a promise; the
   * scoring stage runs many documents at once and honours `signal` (Ctrl-C).
   */
  readonly score: (input: ScoreInput, o?: MetricContext) => Value;
  /** Expensive and deterministic in its input: the scoring stage caches its values by input. */
  readonly cacheable?: boolean;
}

/** A metric computed on the spot (string match, log-likelihood comparisons). */
export type SyncMetric = Metric<SampleValue>;

export type Aggregation = (values: readonly SampleValue[]) => number;

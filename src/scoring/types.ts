/**
 * The scoring stage: a task's scorer turns one document's responses into per-document metric
 * values, under each of the task's filter pipelines. Scoring is asynchronous so that a scorer can
 * run code in a sandbox, ask a judge model or a computer-algebra system; the stage runs many
 * documents at once (see run.ts) and caches expensive values (see cache.ts).
 */
import type { DocInstance } from '../instances/types.ts';
import type { Metric, MetricContext, MetricResult, SampleValue } from '../metrics/types.ts';
import type { DocResponse } from '../responses/types.ts';
import type { MetricSpec } from '../task/types.ts';

/** A metric_list entry bound to its implementation and aggregation, checked before any request. */
export interface ResolvedMetric {
  readonly spec: MetricSpec;
  readonly metric: Metric;
  readonly aggregation: string;
  readonly higherIsBetter: boolean;
  /** The task's own aggregation (`aggregation: !function`), used in place of the named one. */
  readonly aggregate?: (items: readonly unknown[]) => number;
}

/** One doc scored under one filter pipeline: a samples-file row minus the raw responses. */
export interface ScoredDoc {
  readonly filter: string;
  /** The filtered response (generations) or the response itself (log-likelihoods). */
  readonly filtered: unknown;
  readonly values: Readonly<Record<string, SampleValue>>;
  /** Per metric, what its scorer said about this value (ExplainedValue); absent when none did. */
  readonly details?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** Memo of expensive per-document values (sandbox runs, judge calls), keyed by their inputs. */
export interface ScoreCache {
  get(key: string): MetricResult | undefined;
  set(key: string, value: MetricResult): void;
}

export interface ScoreContext extends MetricContext {
  readonly cache?: ScoreCache;
}

/** What a task plugs into the scoring stage; the default is filters + the metric registry. */
export interface TaskScorer {
  /** The metrics this scorer fills in, in metric_list order (aggregation reads them). */
  readonly metrics: readonly ResolvedMetric[];
  scoreDoc(instance: DocInstance, response: DocResponse, context: ScoreContext): Promise<ScoredDoc[]>;
}

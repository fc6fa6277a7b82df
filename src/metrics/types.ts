import type { DocResponse } from '../responses/types.ts';
import type { Doc } from '../documents/types.ts';

/** A per-sample value: a number, or (value, weight) for corpus-level aggregations like perplexity. */
export type SampleValue = number | readonly [number, number];

export interface ScoreInput {
  readonly doc: Doc;
  readonly target: string | number | readonly string[];
  /** For text responses this is after the filter pipeline: one string. */
  readonly response: DocResponse;
  readonly filtered?: string;
  readonly kwargs: Readonly<Record<string, unknown>>;
}

export interface Metric {
  readonly name: string;
  readonly higherIsBetter: boolean;
  readonly defaultAggregation: string;
  readonly score: (input: ScoreInput) => SampleValue;
}

export type Aggregation = (values: readonly SampleValue[]) => number;

import type { DocInstance } from '../instances/types.ts';
import type { Result } from '../requests/types.ts';
import type { MetricSummary } from '../aggregate/index.ts';
import type { TaskDocs } from '../documents/types.ts';
import type { TaskDefinition } from '../task/types.ts';

/**
 * What the report reads of one task's evaluation. The evaluator's TaskOutcome has all of it, and
 * more; the report depends on these fields only, not on the evaluator.
 */
export interface ReportedTaskOutcome {
  readonly task: Pick<TaskDefinition, 'name' | 'version' | 'outputType' | 'config' | 'alias'>;
  readonly docs: Pick<TaskDocs, 'eval' | 'sources'>;
  readonly numFewshot: number;
  readonly instances: readonly Pick<
    DocInstance,
    'docId' | 'doc' | 'context' | 'target' | 'requests' | 'promptId' | 'choices'
  >[];
  /** results[instance][repeat][request]. */
  readonly results: readonly (readonly (readonly Result[])[])[];
  /** scored[instance]: one entry per filter pipeline. */
  readonly scored: readonly (readonly ReportedScore[])[];
  readonly summaries: readonly MetricSummary[];
  /** Per instance: reasoning tokens removed (all repeats) and whether a block never closed. */
  readonly thinking: readonly { readonly reasoningTokens: number; readonly unterminated: boolean }[];
}

/** One doc under one filter pipeline: the response as filtered, and each metric's value. */
export interface ReportedScore {
  readonly filter: string;
  readonly filtered: unknown;
  readonly values: Readonly<Record<string, unknown>>;
  readonly details?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** One document of a task's evaluation, as the samples file reads it. */
export interface ReportedDoc {
  readonly instance: ReportedTaskOutcome['instances'][number];
  readonly results: readonly (readonly Result[])[];
  readonly scored: readonly ReportedScore[];
  readonly thinking: ReportedTaskOutcome['thinking'][number];
}

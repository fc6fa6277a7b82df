/**
 * `evalboard analyze` as a library call: every benchmark-quality analysis that the inputs allow.
 * Monotonicity needs checkpoint series; agreement and saturation compare models, one run per model
 * (the last checkpoint of a series).
 */
import { type AgreementReport, analyzeAgreement } from './agreement.ts';
import type { ContaminationReport } from './contamination.ts';
import { analyzeMonotonicity, type MonotonicityReport } from './monotonicity.ts';
import type { RunResults } from './read-results.ts';
import { analyzeSaturation, type TaskSaturation } from './saturation.ts';
import { finalRuns } from './scores.ts';

export interface AnalyzeOptions {
  readonly metric?: string;
  readonly threshold?: number;
  readonly itemCounts?: ReadonlyMap<string, number>;
  readonly topK?: number;
}

export interface AnalysisReport {
  readonly runs: number;
  readonly metric: string | null;
  readonly monotonicity: MonotonicityReport;
  /** null with fewer than 3 models or 2 tasks. */
  readonly agreement: AgreementReport | null;
  readonly saturation: readonly TaskSaturation[];
  readonly contamination?: ContaminationReport;
}

export function analyzeRuns(runs: readonly RunResults[], options: AnalyzeOptions = {}): AnalysisReport {
  const models = finalRuns(runs);
  const agreement = analyzeAgreement(models, options.metric);
  return {
    runs: runs.length,
    metric: options.metric ?? null,
    monotonicity: analyzeMonotonicity(runs, options),
    agreement: models.length >= 3 && agreement.tasks.length >= 2 ? agreement : null,
    saturation: models.length >= 1 ? analyzeSaturation(models, options) : [],
  };
}

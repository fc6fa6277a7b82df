/**
 * The analysis library: reads results, samples and leaderboard files (never the harness) and
 * judges runs and benchmarks. The CLI commands compare, analyze and report are thin wrappers; the
 * leaderboard service calls the same functions.
 */
export { type AnalysisReport, type AnalyzeOptions, analyzeRuns } from './analyze.ts';
export { analysisCsv, analysisHtml, analysisText } from './analyze-output.ts';
export {
  type ComparisonReport,
  type ComparisonRow,
  type CompareOptions,
  type CompareRun,
  compareRuns,
} from './compare.ts';
export { comparisonHtml, comparisonText, loadCompareRuns } from './compare-output.ts';
export { type ContaminationReport, checkContamination } from './contamination.ts';
export { type LeaderboardColumns, readLeaderboardCsv } from './read-leaderboard.ts';
export { type MetricValue, type RunResults, readResultsFile, readResultsInputs } from './read-results.ts';
export { readSamplesFile, samplesForInput, type TaskSamples } from './read-samples.ts';
export { type ReportRun, reportHtml } from './report-page.ts';
export * from '../stats/stats.ts';
export {
  analyzeVariants,
  type ItemAgreement,
  type RankAgreement,
  type RankFlip,
  type VariantItems,
  type VariantScore,
  type VariantsOptions,
  type VariantsReport,
} from './variants.ts';
export { variantsHtml, variantsSection, variantsText } from './variants-output.ts';
export { KNOWN_VARIANTS, loadVariantItems, type VariantSpec } from './variants-read.ts';

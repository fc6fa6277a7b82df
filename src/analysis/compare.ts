/**
 * Paired comparison of runs on the same items: each later run against the first, per task and
 * metric. Items are matched by document hash, so the difference is measured on exactly the
 * items both runs scored; items only one side has are counted and reported, never imputed.
 */
import type { TaskSamples } from './read-samples.ts';
import {
  holmBonferroni,
  type Interval,
  mcnemarExact,
  mean,
  pairedBootstrapDiffCI,
  pairedPermutationTest,
} from '../stats/stats.ts';

export interface CompareRun {
  readonly label: string;
  readonly samples: readonly TaskSamples[];
}

export interface CompareOptions {
  readonly seed?: number;
  /** Bootstrap resamples and Monte-Carlo sign flips (default 1,000 and 10,000). */
  readonly bootstrapIterations?: number;
  readonly permutationIterations?: number;
  /** Family-wise error rate for the Holm–Bonferroni flag (default 0.05). */
  readonly alpha?: number;
  /** Only these metrics (default: every metric both runs logged per item). */
  readonly metrics?: readonly string[];
}

export type PairedTest = 'mcnemar-exact' | 'permutation';

export interface ComparisonRow {
  readonly baseline: string;
  readonly other: string;
  readonly task: string;
  readonly metric: string;
  /** Items both runs scored. */
  readonly items: number;
  readonly baselineMean: number;
  readonly otherMean: number;
  /** other − baseline, with its paired bootstrap CI. */
  readonly difference: number;
  readonly ci: Interval;
  readonly test: PairedTest;
  readonly pValue: number;
  /** Holm-adjusted over every task and metric of this pair of runs. */
  readonly adjustedP: number;
  readonly significant: boolean;
}

export interface ItemMismatch {
  readonly baseline: string;
  readonly other: string;
  readonly task: string;
  readonly matched: number;
  readonly onlyInBaseline: number;
  readonly onlyInOther: number;
}

export interface ComparisonReport {
  readonly runs: readonly string[];
  readonly alpha: number;
  readonly seed: number;
  readonly rows: readonly ComparisonRow[];
  /** Tasks whose item sets differ between the two runs (or that one run lacks). */
  readonly mismatches: readonly ItemMismatch[];
}

type UnadjustedRow = Omit<ComparisonRow, 'adjustedP' | 'significant'>;

export function compareRuns(runs: readonly CompareRun[], options: CompareOptions = {}): ComparisonReport {
  if (runs.length < 2) throw new Error('a comparison needs at least two runs');
  const alpha = options.alpha ?? 0.05;
  const seed = options.seed ?? 1234;
  const [baseline, ...others] = runs;
  const rows: ComparisonRow[] = [];
  const mismatches: ItemMismatch[] = [];
  for (const other of others) {
    const pairRows: UnadjustedRow[] = [];
    const otherTasks = new Map(other.samples.map((t) => [t.task, t]));
    for (const baseTask of baseline!.samples) {
      const otherTask = otherTasks.get(baseTask.task);
      const matchedKeys = otherTask ? [...baseTask.items.keys()].filter((k) => otherTask.items.has(k)) : [];
      const mismatch: ItemMismatch = {
        baseline: baseline!.label,
        other: other.label,
        task: baseTask.task,
        matched: matchedKeys.length,
        onlyInBaseline: baseTask.items.size - matchedKeys.length,
        onlyInOther: otherTask ? otherTask.items.size - matchedKeys.length : 0,
      };
      if (mismatch.onlyInBaseline > 0 || mismatch.onlyInOther > 0) mismatches.push(mismatch);
      if (!otherTask || matchedKeys.length === 0) continue;
      for (const metric of sharedMetrics(baseTask, otherTask, options.metrics)) {
        const a = new Float64Array(matchedKeys.length);
        const b = new Float64Array(matchedKeys.length);
        let complete = true;
        matchedKeys.forEach((key, i) => {
          const va = baseTask.items.get(key)!.values.get(metric);
          const vb = otherTask.items.get(key)!.values.get(metric);
          if (va === undefined || vb === undefined) complete = false;
          a[i] = va ?? Number.NaN;
          b[i] = vb ?? Number.NaN;
        });
        if (!complete) continue;
        pairRows.push(pairedRow(baseline!.label, other.label, baseTask.task, metric, a, b, options, seed));
      }
    }
    for (const otherTask of other.samples) {
      if (!baseline!.samples.some((t) => t.task === otherTask.task)) {
        mismatches.push({
          baseline: baseline!.label,
          other: other.label,
          task: otherTask.task,
          matched: 0,
          onlyInBaseline: 0,
          onlyInOther: otherTask.items.size,
        });
      }
    }
    const holm = holmBonferroni(
      pairRows.map((r) => r.pValue),
      alpha,
    );
    pairRows.forEach((row, i) => {
      rows.push({ ...row, adjustedP: holm.adjusted[i]!, significant: holm.rejected[i]! });
    });
  }
  return { runs: runs.map((r) => r.label), alpha, seed, rows, mismatches };
}

function pairedRow(
  baseline: string,
  other: string,
  task: string,
  metric: string,
  a: Float64Array,
  b: Float64Array,
  options: CompareOptions,
  seed: number,
): UnadjustedRow {
  const binary = isBinary(a) && isBinary(b);
  const ci = pairedBootstrapDiffCI(b, a, { seed, iterations: options.bootstrapIterations ?? 1000 });
  const pValue = binary
    ? mcnemarExact(b, a).pValue
    : pairedPermutationTest(b, a, { seed, iterations: options.permutationIterations ?? 10_000 });
  return {
    baseline,
    other,
    task,
    metric,
    items: a.length,
    baselineMean: mean(a),
    otherMean: mean(b),
    difference: ci.estimate,
    ci: { low: ci.low, high: ci.high },
    test: binary ? 'mcnemar-exact' : 'permutation',
    pValue,
  };
}

function sharedMetrics(a: TaskSamples, b: TaskSamples, only: readonly string[] | undefined): string[] {
  const names = new Set<string>();
  for (const item of a.items.values()) for (const name of item.values.keys()) names.add(name);
  const inB = new Set<string>();
  for (const item of b.items.values()) for (const name of item.values.keys()) inB.add(name);
  return [...names].filter((n) => inB.has(n) && (!only || only.includes(n))).sort();
}

function isBinary(values: Float64Array): boolean {
  return values.every((v) => v === 0 || v === 1);
}

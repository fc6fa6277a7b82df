/**
 * Is a benchmark used up, and can it still tell models apart? Saturated: the best score is within
 * its own 95 % CI of the ceiling. Separability: the share of model pairs whose 95 % CIs do not
 * overlap, and how far apart the top-k are compared with their CI widths.
 */
import type { RunResults } from './read-results.ts';
import { runLabel, scoreOf, taskNames } from './scores.ts';

export interface SaturationOptions {
  readonly metric?: string;
  /** Items per task, to estimate a binomial standard error where the results carry none. */
  readonly itemCounts?: ReadonlyMap<string, number>;
  /** How many top models the spread looks at (default 10). */
  readonly topK?: number;
}

export interface TaskSaturation {
  readonly task: string;
  readonly models: number;
  /** 1 for fractions, 100 for percentages (any score above 1). */
  readonly ceiling: number;
  readonly best: number;
  readonly bestModel: string;
  readonly bestStderr: number | null;
  readonly headroom: number;
  /** null without standard errors. */
  readonly saturated: boolean | null;
  /** Share of model pairs whose 95 % CIs do not overlap. */
  readonly separablePairs: number | null;
  /** (best − k-th best) ÷ mean 95 % CI width of the top k: below 1, the top k are indistinguishable. */
  readonly topSpread: number | null;
  readonly stderrSource: 'results' | 'binomial' | 'none';
}

const Z95 = 1.959963984540054;

export function analyzeSaturation(runs: readonly RunResults[], options: SaturationOptions = {}): TaskSaturation[] {
  const topK = options.topK ?? 10;
  return taskNames(runs, options.metric).map((task) => {
    const scored = runs.flatMap((run) => {
      const score = scoreOf(run, task, options.metric);
      return score ? [{ label: runLabel(run), value: score.value, stderr: score.stderr }] : [];
    });
    const ceiling = scored.some((s) => s.value > 1) ? 100 : 1;
    const items = options.itemCounts?.get(task);
    const fromResults = scored.every((s) => s.stderr !== undefined);
    const stderrs = scored.map((s) => {
      if (fromResults) return s.stderr!;
      if (items === undefined) return Number.NaN;
      const p = Math.min(1, Math.max(0, s.value / ceiling));
      return ceiling * Math.sqrt((p * (1 - p)) / items);
    });
    const known = stderrs.every(Number.isFinite);
    const order = scored.map((_, i) => i).sort((i, j) => scored[j]!.value - scored[i]!.value);
    const top = order[0]!;
    const best = scored[top]!.value;
    const headroom = ceiling - best;
    const top10 = order.slice(0, Math.min(topK, order.length));
    const meanWidth = top10.reduce((sum, i) => sum + 2 * Z95 * stderrs[i]!, 0) / top10.length;
    return {
      task,
      models: scored.length,
      ceiling,
      best,
      bestModel: scored[top]!.label,
      bestStderr: known ? stderrs[top]! : null,
      headroom,
      saturated: known ? headroom <= Z95 * stderrs[top]! : null,
      separablePairs: known
        ? nonOverlappingShare(
            scored.map((s) => s.value),
            stderrs,
          )
        : null,
      topSpread: known && top10.length > 1 ? (best - scored[top10.at(-1)!]!.value) / meanWidth : null,
      stderrSource: fromResults ? 'results' : known ? 'binomial' : 'none',
    };
  });
}

/**
 * Pairs (i, j) with disjoint 95 % intervals: for each interval, the intervals starting above its
 * upper end, found by binary search in the sorted lower ends. O(n log n), so 4,000 models are cheap.
 */
export function nonOverlappingShare(values: readonly number[], stderrs: readonly number[]): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const lows = Float64Array.from(values, (v, i) => v - Z95 * stderrs[i]!).sort();
  let disjoint = 0;
  values.forEach((v, i) => {
    const high = v + Z95 * stderrs[i]!;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lows[mid]! > high) hi = mid;
      else lo = mid + 1;
    }
    disjoint += n - lo;
  });
  return disjoint / ((n * (n - 1)) / 2);
}

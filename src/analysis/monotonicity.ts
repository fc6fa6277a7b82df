/**
 * Does a task's score rise as a model trains, and as it grows? A benchmark whose scores do not
 * track training (rank correlation with step below a threshold) or fall at the last checkpoints
 * cannot tell checkpoints apart, however precise each number is.
 */
import type { RunResults } from './read-results.ts';
import { checkpointSeries, finalRuns, runLabel, scoreOf, sizeFromName, taskNames } from './scores.ts';
import { kendallTauB, spearman } from '../stats/stats.ts';

export interface MonotonicityOptions {
  readonly metric?: string;
  /** Flag tasks whose Spearman ρ with step is below this (default 0.5). */
  readonly threshold?: number;
}

export interface CheckpointPoint {
  readonly step: number;
  readonly value: number;
  readonly stderr?: number;
}

export interface TaskTrend {
  readonly series: string;
  readonly task: string;
  readonly points: readonly CheckpointPoint[];
  /** NaN when the score never changes. */
  readonly spearman: number;
  readonly kendall: number;
  readonly belowThreshold: boolean;
  /** The last checkpoint scores below the one before it. */
  readonly fallsAtEnd: boolean;
  /** last − previous. */
  readonly lastChange: number;
  /** The fall is larger than 1.96 × the two checkpoints' combined standard error (false without stderr). */
  readonly fallBeyondNoise: boolean;
}

export interface SizeTrend {
  readonly family: string;
  readonly task: string;
  readonly points: readonly { model: string; millions: number; value: number }[];
  readonly spearman: number;
  /** Each size scores at least as high as the next smaller one, at final checkpoints. */
  readonly rises: boolean;
}

export interface MonotonicityReport {
  readonly threshold: number;
  readonly trends: readonly TaskTrend[];
  readonly sizes: readonly SizeTrend[];
}

/** Series with at least this many checkpoints are analysed; fewer cannot show a trend. */
const MIN_CHECKPOINTS = 3;

export function analyzeMonotonicity(
  runs: readonly RunResults[],
  options: MonotonicityOptions = {},
): MonotonicityReport {
  const threshold = options.threshold ?? 0.5;
  const trends: TaskTrend[] = [];
  for (const series of checkpointSeries(runs)) {
    if (series.runs.length < MIN_CHECKPOINTS) continue;
    for (const task of taskNames(series.runs, options.metric)) {
      const points: CheckpointPoint[] = [];
      for (const run of series.runs) {
        const score = scoreOf(run, task, options.metric);
        if (score)
          points.push({
            step: run.step,
            value: score.value,
            ...(score.stderr === undefined ? {} : { stderr: score.stderr }),
          });
      }
      if (points.length < MIN_CHECKPOINTS) continue;
      trends.push(trendOf(series.name, task, points, threshold));
    }
  }
  return { threshold, trends, sizes: sizeTrends(finalRuns(runs), options.metric) };
}

function trendOf(series: string, task: string, points: readonly CheckpointPoint[], threshold: number): TaskTrend {
  const steps = points.map((p) => p.step);
  const values = points.map((p) => p.value);
  const rho = spearman(steps, values);
  const last = points.at(-1)!;
  const previous = points.at(-2)!;
  const lastChange = last.value - previous.value;
  const noise =
    last.stderr !== undefined && previous.stderr !== undefined
      ? 1.96 * Math.hypot(last.stderr, previous.stderr)
      : undefined;
  return {
    series,
    task,
    points,
    spearman: rho,
    kendall: kendallTauB(steps, values),
    // A constant score (NaN ρ) does not track training either.
    belowThreshold: !(rho >= threshold),
    fallsAtEnd: lastChange < 0,
    lastChange,
    fallBeyondNoise: noise !== undefined && -lastChange > noise,
  };
}

/** Across sizes of one family (`pythia-*`), at each model's final checkpoint. */
function sizeTrends(runs: readonly RunResults[], metric: string | undefined): SizeTrend[] {
  const families = new Map<string, { run: RunResults; millions: number }[]>();
  for (const run of runs) {
    const size = sizeFromName(run.model);
    if (!size) continue;
    const key = `${size.family} ${run.setting}`.trim();
    families.set(key, [...(families.get(key) ?? []), { run, millions: size.millions }]);
  }
  const trends: SizeTrend[] = [];
  for (const [family, members] of [...families.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (members.length < MIN_CHECKPOINTS) continue;
    members.sort((a, b) => a.millions - b.millions);
    for (const task of taskNames(
      members.map((m) => m.run),
      metric,
    )) {
      const points = members.flatMap((m) => {
        const score = scoreOf(m.run, task, metric);
        return score ? [{ model: runLabel(m.run), millions: m.millions, value: score.value }] : [];
      });
      if (points.length < MIN_CHECKPOINTS) continue;
      const rises = points.every((p, i) => i === 0 || p.value >= points[i - 1]!.value);
      trends.push({
        family,
        task,
        points,
        spearman: spearman(
          points.map((p) => p.millions),
          points.map((p) => p.value),
        ),
        rises,
      });
    }
  }
  return trends;
}

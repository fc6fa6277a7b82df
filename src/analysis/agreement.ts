/**
 * Do benchmarks rank models alike? Task × task rank correlations over many models (pairwise
 * complete: each pair uses the models that have both tasks), and each task's correlation with the
 * mean of the others, which singles out a benchmark that measures something the rest do not.
 */
import type { RunResults } from './read-results.ts';
import { scoreOf, taskNames } from './scores.ts';
import { kendallTauB, spearman } from '../stats/stats.ts';

export interface AgreementReport {
  readonly tasks: readonly string[];
  /** Models the matrices were computed over. */
  readonly models: number;
  /** [i][j]: over the models with both tasks; NaN with fewer than 3 such models. */
  readonly spearman: readonly (readonly number[])[];
  readonly kendall: readonly (readonly number[])[];
  /** Models behind each cell. */
  readonly pairCounts: readonly (readonly number[])[];
  /** Spearman ρ of each task with the mean of the other tasks' scores (each model: the other tasks it has). */
  readonly withRest: readonly { task: string; spearman: number; models: number }[];
}

export function analyzeAgreement(
  runs: readonly RunResults[],
  metric?: string,
  only?: readonly string[],
): AgreementReport {
  const tasks = only ?? taskNames(runs, metric);
  const columns = tasks.map((task) => runs.map((run) => scoreOf(run, task, metric)?.value ?? Number.NaN));
  const size = tasks.length;
  const spearmanMatrix = square(size, 1);
  const kendallMatrix = square(size, 1);
  const pairCounts = square(size, 0);
  for (let i = 0; i < size; i++) {
    pairCounts[i]![i] = columns[i]!.filter(Number.isFinite).length;
    for (let j = i + 1; j < size; j++) {
      const [x, y] = complete(columns[i]!, columns[j]!);
      const rho = x.length >= 3 ? spearman(x, y) : Number.NaN;
      const tau = x.length >= 3 ? kendallTauB(x, y) : Number.NaN;
      spearmanMatrix[i]![j] = spearmanMatrix[j]![i] = rho;
      kendallMatrix[i]![j] = kendallMatrix[j]![i] = tau;
      pairCounts[i]![j] = pairCounts[j]![i] = x.length;
    }
  }
  const withRest = tasks.map((task, i) => {
    const own: number[] = [];
    const rest: number[] = [];
    runs.forEach((_, r) => {
      const others = columns.filter((_, j) => j !== i).flatMap((c) => (Number.isFinite(c[r]!) ? [c[r]!] : []));
      if (!Number.isFinite(columns[i]![r]!) || others.length === 0) return;
      own.push(columns[i]![r]!);
      rest.push(others.reduce((a, b) => a + b, 0) / others.length);
    });
    return { task, spearman: own.length >= 3 ? spearman(own, rest) : Number.NaN, models: own.length };
  });
  return { tasks, models: runs.length, spearman: spearmanMatrix, kendall: kendallMatrix, pairCounts, withRest };
}

function square(size: number, diagonal: number): number[][] {
  return Array.from({ length: size }, (_, i) =>
    Array.from({ length: size }, (_, j) => (i === j ? diagonal : Number.NaN)),
  );
}

function complete(a: readonly number[], b: readonly number[]): [Float64Array, Float64Array] {
  const x: number[] = [];
  const y: number[] = [];
  for (let k = 0; k < a.length; k++) {
    if (Number.isFinite(a[k]!) && Number.isFinite(b[k]!)) {
      x.push(a[k]!);
      y.push(b[k]!);
    }
  }
  return [Float64Array.from(x), Float64Array.from(y)];
}

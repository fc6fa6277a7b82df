import { quantileSorted, SeededRandom } from '../../stats/stats.ts';

/** One battle of a model against the anchor: the model's outcome (1, ½, 0) and its style features. */
export interface StyledBattle {
  readonly model: string;
  readonly outcome: number;
  readonly features: readonly number[];
}

export interface StyleControlledModel {
  readonly model: string;
  /** 100 σ(β_model): the win rate against the anchor with equal style (features at 0). */
  readonly score: number;
  readonly lower: number;
  readonly upper: number;
  /** The style coefficients (length, headers, lists, bold), shared by all models. */
  readonly styleCoefficients: readonly number[];
}

/**
 * Bradley–Terry with style control (Arena-Hard v2's show_result with --control-features): a
 * logistic regression of each battle's soft outcome on the model's indicator (the anchor's is
 * left out, so the anchor sits at 0) and the standardised style features, no penalty; the
 * style-controlled score is the win rate with the features at zero.
 */
export function fitStyleControlled(battles: readonly StyledBattle[]): {
  coefficients: Map<string, number>;
  style: number[];
} {
  const models = [...new Set(battles.map((b) => b.model))].sort();
  const width = battles[0]?.features.length ?? 0;
  const p = models.length + width;
  const column = new Map(models.map((m, i) => [m, i]));
  const w = new Float64Array(p);
  for (let iteration = 0; iteration < 100; iteration++) {
    const gradient = new Float64Array(p);
    const hessian = Array.from({ length: p }, () => new Float64Array(p));
    for (const b of battles) {
      const m = column.get(b.model)!;
      let z = w[m]!;
      for (let j = 0; j < width; j++) z += w[models.length + j]! * b.features[j]!;
      const prob = 1 / (1 + Math.exp(-z));
      const x = new Map<number, number>([[m, 1]]);
      for (let j = 0; j < width; j++) x.set(models.length + j, b.features[j]!);
      const weight = prob * (1 - prob);
      for (const [i, xi] of x) {
        gradient[i] = gradient[i]! + (b.outcome - prob) * xi;
        for (const [k, xk] of x) hessian[i]![k] = hessian[i]![k]! + weight * xi * xk;
      }
    }
    // A tiny ridge keeps the step defined when a model won (or lost) every battle.
    for (let i = 0; i < p; i++) hessian[i]![i] = hessian[i]![i]! + 1e-9;
    const step = solveSymmetric(hessian, gradient);
    let largest = 0;
    for (let i = 0; i < p; i++) {
      w[i] = w[i]! + step[i]!;
      largest = Math.max(largest, Math.abs(step[i]!));
    }
    if (largest < 1e-12) break;
  }
  return {
    coefficients: new Map(models.map((m, i) => [m, w[i]!])),
    style: Array.from(w.slice(models.length)),
  };
}

function solveSymmetric(matrix: Float64Array[], rhs: Float64Array): Float64Array {
  const n = rhs.length;
  const m = matrix.map((row, i) => [...row, rhs[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col || m[col]![col] === 0) continue;
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c++) m[r]![c] = m[r]![c]! - f * m[col]![c]!;
    }
  }
  return Float64Array.from(m, (row, i) => (row[i] === 0 ? 0 : row[n]! / row[i]!));
}

/** Style-controlled scores with seeded bootstrap 95 % intervals (battles resampled with replacement). */
export function styleControlledScores(
  battles: readonly StyledBattle[],
  rounds = 100,
  seed = 42,
): StyleControlledModel[] {
  const full = fitStyleControlled(battles);
  const samples = new Map([...full.coefficients.keys()].map((m) => [m, [] as number[]]));
  const random = new SeededRandom(seed);
  for (let round = 0; round < rounds; round++) {
    const resample = Array.from({ length: battles.length }, () => battles[random.nextIndex(battles.length)]!);
    const fit = fitStyleControlled(resample);
    for (const [model, list] of samples) {
      const c = fit.coefficients.get(model);
      if (c !== undefined) list.push(c);
    }
  }
  const winRate = (c: number) => 100 / (1 + Math.exp(-c));
  return [...full.coefficients].map(([model, c]) => {
    const sorted = samples.get(model)!.sort((a, b) => a - b);
    return {
      model,
      score: winRate(c),
      lower: winRate(sorted.length ? quantileSorted(sorted, 0.025) : c),
      upper: winRate(sorted.length ? quantileSorted(sorted, 0.975) : c),
      styleCoefficients: full.style,
    };
  });
}

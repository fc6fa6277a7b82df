import { quantileSorted, SeededRandom } from '../../stats/stats.ts';
import type { Battle } from './verdict.ts';

/**
 * Bradley–Terry ratings on the Elo scale by logistic regression on battles, as Arena-Hard v0.1's
 * compute_mle_elo: every battle counted twice, a tie as one win for each side, P(a beats b) =
 * 1 / (1 + 10^((R_b − R_a) / 400)), no penalty, the anchor model at 1000.
 */
export interface EloScale {
  readonly scale: number;
  readonly base: number;
  readonly anchorRating: number;
}

export const ELO: EloScale = { scale: 400, base: 10, anchorRating: 1000 };

export function fitBradleyTerry(battles: readonly Battle[], anchor: string, elo: EloScale = ELO): Map<string, number> {
  const models = [...new Set(battles.flatMap((b) => [b.modelA, b.modelB]).concat(anchor))].sort();
  const index = new Map(models.map((m, i) => [m, i]));
  const a = Int32Array.from(battles, (b) => index.get(b.modelA)!);
  const b = Int32Array.from(battles, (b) => index.get(b.modelB)!);
  // Wins of a out of 2 per battle (the doubled rows): 2, 0, or 1 for a tie.
  const winsA = Float64Array.from(battles, (x) => (x.winner === 'model_a' ? 2 : x.winner === 'model_b' ? 0 : 1));
  const free = models.map((_, i) => i).filter((i) => models[i] !== anchor);
  const lnBase = Math.log(elo.base);
  const beta = new Float64Array(models.length);
  for (let iteration = 0; iteration < 100; iteration++) {
    // Newton step on the log-likelihood in the free coordinates (the anchor stays at 0).
    const gradient = new Float64Array(models.length);
    const hessian = models.map(() => new Float64Array(models.length));
    for (let k = 0; k < battles.length; k++) {
      const i = a[k]!;
      const j = b[k]!;
      const p = 1 / (1 + Math.exp(-lnBase * (beta[i]! - beta[j]!)));
      const residual = lnBase * (winsA[k]! - 2 * p);
      gradient[i] = gradient[i]! + residual;
      gradient[j] = gradient[j]! - residual;
      const w = 2 * lnBase * lnBase * p * (1 - p);
      hessian[i]![i] = hessian[i]![i]! + w;
      hessian[j]![j] = hessian[j]![j]! + w;
      hessian[i]![j] = hessian[i]![j]! - w;
      hessian[j]![i] = hessian[j]![i]! - w;
    }
    const step = solve(
      free.map((r) => free.map((c) => hessian[r]![c]!)),
      free.map((r) => gradient[r]!),
    );
    let largest = 0;
    free.forEach((r, k) => {
      beta[r] = beta[r]! + step[k]!;
      largest = Math.max(largest, Math.abs(step[k]!));
    });
    if (largest < 1e-12) break;
  }
  return new Map(models.map((m, i) => [m, elo.scale * beta[i]! + elo.anchorRating]));
}

/** Gaussian elimination with partial pivoting; a singular direction (a model with no battles) gets 0. */
function solve(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const m = matrix.map((row, i) => [...row, rhs[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]![col]!;
    if (Math.abs(p) < 1e-300) continue;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / p;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) m[r]![c] = m[r]![c]! - f * m[col]![c]!;
    }
  }
  return m.map((row, i) => (Math.abs(row[i]!) < 1e-300 ? 0 : row[n]! / row[i]!));
}

/** The predicted share of battles `rating` wins against `opponent`: 1 / (1 + 10^((R_o − R) / 400)). */
export function predictedWinRate(rating: number, opponent: number, elo: EloScale = ELO): number {
  return 1 / (1 + elo.base ** ((opponent - rating) / elo.scale));
}

export interface RatedModel {
  readonly model: string;
  readonly rating: number;
  /** Predicted win rate against the anchor (percent), and its bootstrap 95 % interval. */
  readonly score: number;
  readonly lower: number;
  readonly upper: number;
  readonly ratingInterval: readonly [number, number];
}

/**
 * Ratings from all battles, and the 2.5th and 97.5th percentiles of each model's rating over
 * `rounds` bootstrap resamples of the battles (drawn with replacement, seeded), turned into win
 * rates against the anchor.
 */
export function ratingsWithIntervals(
  battles: readonly Battle[],
  anchor: string,
  rounds = 100,
  seed = 42,
): RatedModel[] {
  const full = fitBradleyTerry(battles, anchor);
  const samples = new Map([...full.keys()].map((m) => [m, [] as number[]]));
  const random = new SeededRandom(seed);
  for (let round = 0; round < rounds; round++) {
    const resample = Array.from({ length: battles.length }, () => battles[random.nextIndex(battles.length)]!);
    const ratings = fitBradleyTerry(resample, anchor);
    for (const [model, list] of samples) list.push(ratings.get(model) ?? Number.NaN);
  }
  const anchorRating = full.get(anchor)!;
  return [...full].map(([model, rating]) => {
    const sorted = samples
      .get(model)!
      .filter((x) => !Number.isNaN(x))
      .sort((x, y) => x - y);
    const low = sorted.length ? quantileSorted(sorted, 0.025) : rating;
    const high = sorted.length ? quantileSorted(sorted, 0.975) : rating;
    return {
      model,
      rating,
      score: 100 * predictedWinRate(rating, anchorRating),
      lower: 100 * predictedWinRate(low, anchorRating),
      upper: 100 * predictedWinRate(high, anchorRating),
      ratingInterval: [low, high] as const,
    };
  });
}

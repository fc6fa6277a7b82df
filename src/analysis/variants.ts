/**
 * One benchmark, several implementations: how far the choice moves scores and rankings. For each
 * model and variant, the per-item right/wrong outcomes; from them the score with its CI, each
 * model's item-level agreement between variants (Cohen's κ), and across models Kendall's τ between
 * the rankings two variants give, with the pairs of models whose order flips and whether each
 * order is itself significant (McNemar's exact test on the items both models answered).
 */
import { bootstrapMeanCI, type Interval, kendallTauB, mcnemarExact } from '../stats/stats.ts';

/** Per-item outcomes (1 right, 0 wrong) of one model under one variant, keyed by document hash. */
export interface VariantItems {
  readonly model: string;
  readonly benchmark: string;
  readonly variant: string;
  readonly metric: string;
  readonly items: ReadonlyMap<string, number>;
}

export interface VariantScore {
  readonly model: string;
  readonly benchmark: string;
  readonly variant: string;
  readonly metric: string;
  readonly items: number;
  readonly score: number;
  /** 95 % percentile bootstrap interval of the mean. */
  readonly ci: Interval;
}

/** Two variants on one model, over the items both scored. */
export interface ItemAgreement {
  readonly model: string;
  readonly benchmark: string;
  readonly a: string;
  readonly b: string;
  readonly items: number;
  readonly bothRight: number;
  readonly bothWrong: number;
  readonly onlyA: number;
  readonly onlyB: number;
  /** Cohen's κ; null where chance agreement is 1 (both variants constant and equal). */
  readonly kappa: number | null;
}

/** Two models whose order under variant `a` is the reverse of their order under `b`. */
export interface RankFlip {
  /** Ahead under `a`. */
  readonly first: string;
  /** Ahead under `b`. */
  readonly second: string;
  /** [first, second] under a, then under b. */
  readonly scoresA: readonly [number, number];
  readonly scoresB: readonly [number, number];
  /** McNemar exact p of the two models' difference under each variant (paired by item). */
  readonly pA: number;
  readonly pB: number;
  /** Both orders are significant at alpha: each variant really ranks them its own way. */
  readonly significant: boolean;
}

export interface RankAgreement {
  readonly benchmark: string;
  readonly a: string;
  readonly b: string;
  /** Models scored under both variants. */
  readonly models: number;
  /** Kendall's τ-b between the two variants' scores; null with fewer than two models or a constant side. */
  readonly tau: number | null;
  readonly flips: readonly RankFlip[];
}

export interface VariantsReport {
  readonly models: readonly string[];
  readonly benchmarks: readonly { readonly name: string; readonly variants: readonly string[] }[];
  readonly scores: readonly VariantScore[];
  readonly agreement: readonly ItemAgreement[];
  readonly rankings: readonly RankAgreement[];
  readonly alpha: number;
  readonly seed: number;
}

export interface VariantsOptions {
  readonly alpha?: number;
  readonly seed?: number;
  readonly bootstrapIterations?: number;
}

export function analyzeVariants(all: readonly VariantItems[], options: VariantsOptions = {}): VariantsReport {
  const alpha = options.alpha ?? 0.05;
  const seed = options.seed ?? 1234;
  const models = unique(all.map((v) => v.model));
  const benchmarks = unique(all.map((v) => v.benchmark)).map((name) => ({
    name,
    variants: unique(all.filter((v) => v.benchmark === name).map((v) => v.variant)),
  }));
  const find = (model: string, variant: string) => all.find((v) => v.model === model && v.variant === variant);

  const scores = all.map((v): VariantScore => {
    const values = Float64Array.from(v.items.values());
    const ci = bootstrapMeanCI(values, { seed, iterations: options.bootstrapIterations ?? 1000 });
    const { model, benchmark, variant, metric } = v;
    return { model, benchmark, variant, metric, items: values.length, score: ci.estimate, ci: ci };
  });
  const scoreOf = (model: string, variant: string) => scores.find((s) => s.model === model && s.variant === variant);

  const agreement: ItemAgreement[] = [];
  const rankings: RankAgreement[] = [];
  for (const { name: benchmark, variants } of benchmarks) {
    for (const [a, b] of pairs(variants)) {
      for (const model of models) {
        const va = find(model, a);
        const vb = find(model, b);
        if (va && vb) agreement.push({ model, benchmark, a, b, ...itemAgreement(va.items, vb.items) });
      }
      const both = models.filter((m) => scoreOf(m, a) && scoreOf(m, b));
      const x = both.map((m) => scoreOf(m, a)!.score);
      const y = both.map((m) => scoreOf(m, b)!.score);
      const tau = both.length >= 2 ? kendallTauB(x, y) : Number.NaN;
      const flips: RankFlip[] = [];
      for (const [i, j] of pairs(both.map((_, k) => k))) {
        const dA = x[i]! - x[j]!;
        const dB = y[i]! - y[j]!;
        if (!(dA * dB < 0)) continue;
        const [first, second] = dA > 0 ? [i, j] : [j, i];
        const pA = pairedP(find(both[first]!, a)!.items, find(both[second]!, a)!.items);
        const pB = pairedP(find(both[first]!, b)!.items, find(both[second]!, b)!.items);
        flips.push({
          first: both[first]!,
          second: both[second]!,
          scoresA: [x[first]!, x[second]!],
          scoresB: [y[first]!, y[second]!],
          pA,
          pB,
          significant: pA < alpha && pB < alpha,
        });
      }
      rankings.push({ benchmark, a, b, models: both.length, tau: Number.isFinite(tau) ? tau : null, flips });
    }
  }
  return { models, benchmarks, scores, agreement, rankings, alpha, seed };
}

/** The 2×2 table of right/wrong over the shared items, and Cohen's κ = (p_o − p_e) / (1 − p_e). */
export function itemAgreement(
  a: ReadonlyMap<string, number>,
  b: ReadonlyMap<string, number>,
): Omit<ItemAgreement, 'model' | 'benchmark' | 'a' | 'b'> {
  let bothRight = 0;
  let bothWrong = 0;
  let onlyA = 0;
  let onlyB = 0;
  for (const [key, va] of a) {
    const vb = b.get(key);
    if (vb === undefined) continue;
    if (va === 1 && vb === 1) bothRight++;
    else if (va === 1) onlyA++;
    else if (vb === 1) onlyB++;
    else bothWrong++;
  }
  const items = bothRight + bothWrong + onlyA + onlyB;
  const observed = (bothRight + bothWrong) / items;
  const rightA = (bothRight + onlyA) / items;
  const rightB = (bothRight + onlyB) / items;
  const chance = rightA * rightB + (1 - rightA) * (1 - rightB);
  const kappa = items > 0 && chance < 1 ? (observed - chance) / (1 - chance) : null;
  return { items, bothRight, bothWrong, onlyA, onlyB, kappa };
}

/** McNemar's exact test between two models over the items both answered under one variant. */
function pairedP(x: ReadonlyMap<string, number>, y: ReadonlyMap<string, number>): number {
  const shared = [...x.keys()].filter((key) => y.has(key));
  return mcnemarExact(
    Float64Array.from(shared, (key) => x.get(key)!),
    Float64Array.from(shared, (key) => y.get(key)!),
  ).pValue;
}

function pairs<T>(values: readonly T[]): [T, T][] {
  return values.flatMap((a, i) => values.slice(i + 1).map((b): [T, T] => [a, b]));
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

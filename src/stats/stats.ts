/**
 * Statistics for comparing runs and judging benchmarks: bootstrap intervals, rank correlations,
 * paired tests and multiple-comparison control. Everything random takes a seed, so a report is
 * reproducible byte for byte, and the resampling loops run on typed arrays (no per-draw objects).
 */

/** xoshiro128**: small, fast, and good enough for resampling; seeded through splitmix32. */
export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform integer in [0, n). The 32-bit draw scaled by n: bias below 2^-32 · n. */
  nextIndex(n: number): number {
    return Math.floor(this.nextUint32() * UINT32_SCALE * n);
  }
}

const UINT32_SCALE = 1 / 2 ** 32;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export interface Interval {
  readonly low: number;
  readonly high: number;
}

export interface BootstrapOptions {
  /** Resamples (default 1,000). */
  readonly iterations?: number;
  readonly seed?: number;
  /** Two-sided coverage (default 0.95). */
  readonly level?: number;
}

/** The observed mean and its percentile bootstrap interval. */
export interface BootstrapEstimate extends Interval {
  readonly estimate: number;
}

/**
 * Percentile bootstrap CI of the mean. Each resample draws n indices with replacement and sums
 * the values in place; the resample means go into one Float64Array, sorted once.
 */
export function bootstrapMeanCI(values: ArrayLike<number>, options: BootstrapOptions = {}): BootstrapEstimate {
  const n = values.length;
  if (n === 0) return { estimate: Number.NaN, low: Number.NaN, high: Number.NaN };
  const iterations = options.iterations ?? 1000;
  const level = options.level ?? 0.95;
  const data = Float64Array.from(values);
  const random = new SeededRandom(options.seed ?? 1234);
  const means = new Float64Array(iterations);
  for (let it = 0; it < iterations; it++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += data[Math.floor(random.nextUint32() * UINT32_SCALE * n)]!;
    means[it] = sum / n;
  }
  means.sort();
  const tail = (1 - level) / 2;
  return { estimate: mean(data), low: quantileSorted(means, tail), high: quantileSorted(means, 1 - tail) };
}

/** Paired bootstrap CI of mean(a) − mean(b): items are resampled together, keeping their pairing. */
export function pairedBootstrapDiffCI(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: BootstrapOptions = {},
): BootstrapEstimate {
  return bootstrapMeanCI(pairedDifferences(a, b), options);
}

function pairedDifferences(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  if (a.length !== b.length) throw new Error(`paired data of different lengths: ${a.length} and ${b.length}`);
  const diff = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) diff[i] = a[i]! - b[i]!;
  return diff;
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/** Linear interpolation between order statistics (numpy's default `percentile`). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

/** 1-based ranks; tied values share the average of the ranks they span. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + end + 1) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Spearman's ρ: Pearson's r of the average ranks (NaN when either side is constant). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(averageRanks(x), averageRanks(y));
}

/**
 * Kendall's τ-b, which corrects τ for ties on either side: (concordant − discordant) /
 * √((n0 − n1)(n0 − n2)), with n1, n2 the tied pairs in x and in y. Knight's O(n log n) algorithm
 * (as scipy): sort by x then y, so pairs tied in x are never inversions; the discordant pairs are
 * then the inversions of y, counted by a merge sort that keeps equal values in order.
 */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => x[i]! - x[j]! || y[i]! - y[j]!);
  const xs = Float64Array.from(order, (i) => x[i]!);
  const ys = Float64Array.from(order, (i) => y[i]!);
  const tiedX = tiedPairs(xs);
  let tiedBoth = 0;
  let run = 1;
  for (let i = 1; i <= n; i++) {
    if (i < n && xs[i] === xs[i - 1] && ys[i] === ys[i - 1]) run++;
    else {
      tiedBoth += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  const swaps = mergeSortInversions(ys, new Float64Array(n));
  const tiedY = tiedPairs(ys); // ys is sorted now
  const pairs = (n * (n - 1)) / 2;
  return (pairs - tiedX - tiedY + tiedBoth - 2 * swaps) / Math.sqrt((pairs - tiedX) * (pairs - tiedY));
}

/** Pairs of equal values in a sorted array. */
function tiedPairs(sorted: Float64Array): number {
  let total = 0;
  let run = 1;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[i - 1]) run++;
    else {
      total += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  return total;
}

/** Sorts `values` in place (bottom-up merge sort) and returns how many pairs were out of order. */
function mergeSortInversions(values: Float64Array, scratch: Float64Array): number {
  const n = values.length;
  let inversions = 0;
  let source = values;
  let target = scratch;
  for (let width = 1; width < n; width *= 2) {
    for (let start = 0; start < n; start += 2 * width) {
      const middle = Math.min(start + width, n);
      const end = Math.min(start + 2 * width, n);
      let left = start;
      let right = middle;
      let out = start;
      while (left < middle && right < end) {
        if (source[left]! <= source[right]!) target[out++] = source[left++]!;
        else {
          inversions += middle - left;
          target[out++] = source[right++]!;
        }
      }
      while (left < middle) target[out++] = source[left++]!;
      while (right < end) target[out++] = source[right++]!;
    }
    [source, target] = [target, source];
  }
  if (source !== values) values.set(source);
  return inversions;
}

/** P(X ≤ k) for X ~ Binomial(n, p), summed in log space so large n does not overflow. */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  let total = 0;
  for (let i = 0; i <= k; i++) {
    total += Math.exp(logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
  }
  return Math.min(1, total);
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

const logFactorials: number[] = [0];
function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++) logFactorials[i] = logFactorials[i - 1]! + Math.log(i);
  return logFactorials[n]!;
}

/** Exact (Clopper–Pearson) interval for k successes in n trials, by bisection on the binomial CDF. */
export function clopperPearson(k: number, n: number, level = 0.95): Interval {
  const tail = (1 - level) / 2;
  const solve = (f: (p: number) => number): number => {
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (f(mid) > 0) hi = mid;
      else lo = mid;
    }
    return (lo + hi) / 2;
  };
  // Lower bound: P(X ≥ k | p) = tail; upper bound: P(X ≤ k | p) = tail. Both are monotone in p.
  const low = k === 0 ? 0 : solve((p) => 1 - binomialCdf(k - 1, n, p) - tail);
  const high = k === n ? 1 : solve((p) => tail - binomialCdf(k, n, p));
  return { low, high };
}

export interface McNemarResult {
  /** Items right in A only, and in B only (the discordant pairs). */
  readonly onlyA: number;
  readonly onlyB: number;
  readonly pValue: number;
}

/**
 * McNemar's exact test for paired 0/1 outcomes: under H0 the discordant pairs split 50/50, so
 * p = 2·P(X ≤ min(b, c)) with X ~ Binomial(b + c, ½), capped at 1.
 */
export function mcnemarExact(a: ArrayLike<number>, b: ArrayLike<number>): McNemarResult {
  if (a.length !== b.length) throw new Error(`paired data of different lengths: ${a.length} and ${b.length}`);
  let onlyA = 0;
  let onlyB = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! > b[i]!) onlyA++;
    else if (a[i]! < b[i]!) onlyB++;
  }
  const discordant = onlyA + onlyB;
  const pValue = discordant === 0 ? 1 : Math.min(1, 2 * binomialCdf(Math.min(onlyA, onlyB), discordant, 0.5));
  return { onlyA, onlyB, pValue };
}

export interface PermutationOptions {
  /** Random sign flips when 2^n is above `exactUpTo` items (default 10,000). */
  readonly iterations?: number;
  readonly seed?: number;
  /** Enumerate all 2^n sign patterns up to this many non-zero differences (default 16). */
  readonly exactUpTo?: number;
}

/**
 * Two-sided paired permutation test of mean(a) = mean(b): under H0 each difference is as likely
 * to have either sign, so the statistic is |Σ d| over sign flips. Exact enumeration for few
 * items, else Monte Carlo with the (count + 1) / (iterations + 1) estimate, which is never 0.
 */
export function pairedPermutationTest(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: PermutationOptions = {},
): number {
  const all = pairedDifferences(a, b);
  const diffs = all.filter((d) => d !== 0);
  const n = diffs.length;
  if (n === 0) return 1;
  let observed = 0;
  for (const d of diffs) observed += d;
  // Sums of floats reorder under flips; a relative tolerance keeps equal sums equal.
  const threshold = Math.abs(observed) * (1 - 1e-12);
  if (n <= (options.exactUpTo ?? 16)) {
    let extreme = 0;
    const patterns = 2 ** n;
    for (let mask = 0; mask < patterns; mask++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += mask & (1 << i) ? -diffs[i]! : diffs[i]!;
      if (Math.abs(sum) >= threshold) extreme++;
    }
    return extreme / patterns;
  }
  const iterations = options.iterations ?? 10_000;
  const random = new SeededRandom(options.seed ?? 1234);
  let extreme = 0;
  for (let it = 0; it < iterations; it++) {
    let sum = 0;
    for (let i = 0; i < n; i += 32) {
      let bits = random.nextUint32();
      const end = Math.min(n, i + 32);
      for (let k = i; k < end; k++, bits >>>= 1) sum += bits & 1 ? -diffs[k]! : diffs[k]!;
    }
    if (Math.abs(sum) >= threshold) extreme++;
  }
  return (extreme + 1) / (iterations + 1);
}

export interface HolmResult {
  /** Holm-adjusted p-values, in the input order. */
  readonly adjusted: readonly number[];
  readonly rejected: readonly boolean[];
}

/**
 * Holm–Bonferroni step-down: the i-th smallest p is multiplied by (m − i + 1), made monotone,
 * and compared with alpha. Controls the family-wise error rate under any dependence.
 */
export function holmBonferroni(pValues: readonly number[], alpha = 0.05): HolmResult {
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((i, j) => pValues[i]! - pValues[j]!);
  const adjusted = new Array<number>(m).fill(1);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[index]!));
    adjusted[index] = running;
  });
  return { adjusted, rejected: adjusted.map((p) => p <= alpha) };
}

import { describe, expect, it } from 'vitest';
import {
  averageRanks,
  bootstrapMeanCI,
  clopperPearson,
  holmBonferroni,
  kendallTauB,
  mcnemarExact,
  pairedBootstrapDiffCI,
  pairedPermutationTest,
  SeededRandom,
  spearman,
} from './stats.ts';

function bernoulli(n: number, p: number, random: SeededRandom): Float64Array {
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = random.nextUint32() / 2 ** 32 < p ? 1 : 0;
  return values;
}

describe('bootstrapMeanCI', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    const data = bernoulli(500, 0.4, new SeededRandom(7));
    expect(bootstrapMeanCI(data, { seed: 3 })).toEqual(bootstrapMeanCI(data, { seed: 3 }));
    expect(bootstrapMeanCI(data, { seed: 3 }).low).not.toBe(bootstrapMeanCI(data, { seed: 4 }).low);
  });

  it('matches the Clopper–Pearson interval on a large binomial sample', () => {
    // 300 of 1,000: exact interval [0.2717, 0.3295]. The percentile bootstrap is close to the
    // normal interval here; its Monte-Carlo error on a 2.5 % quantile with 2,000 resamples is ~0.001.
    const data = new Float64Array(1000);
    data.fill(1, 0, 300);
    const exact = clopperPearson(300, 1000);
    const boot = bootstrapMeanCI(data, { iterations: 2000, seed: 11 });
    expect(boot.estimate).toBe(0.3);
    expect(Math.abs(boot.low - exact.low)).toBeLessThan(0.004);
    expect(Math.abs(boot.high - exact.high)).toBeLessThan(0.004);
  });

  it('covers the true rate about as often as the exact interval', () => {
    // 400 synthetic data sets of 200 Bernoulli(0.3) items. Clopper–Pearson is conservative (≥ 95 %);
    // the bootstrap should be near 95 %: Monte-Carlo sd of a coverage over 400 sets is ~0.011.
    const random = new SeededRandom(2024);
    const sets = 400;
    let bootHits = 0;
    let exactHits = 0;
    for (let s = 0; s < sets; s++) {
      const data = bernoulli(200, 0.3, random);
      const k = data.reduce((a, b) => a + b, 0);
      const boot = bootstrapMeanCI(data, { iterations: 1000, seed: s });
      const exact = clopperPearson(k, 200);
      if (boot.low <= 0.3 && 0.3 <= boot.high) bootHits++;
      if (exact.low <= 0.3 && 0.3 <= exact.high) exactHits++;
    }
    expect(exactHits / sets).toBeGreaterThanOrEqual(0.93);
    expect(Math.abs(bootHits / sets - 0.95)).toBeLessThan(0.04);
    expect(Math.abs(bootHits / sets - exactHits / sets)).toBeLessThan(0.05);
  });

  it('runs 10,000 items × 1,000 resamples well under a second', () => {
    const data = bernoulli(10_000, 0.5, new SeededRandom(1));
    const start = performance.now();
    bootstrapMeanCI(data, { iterations: 1000 });
    expect(performance.now() - start).toBeLessThan(1000);
  });
});

describe('pairedBootstrapDiffCI', () => {
  it('is the bootstrap of the per-item differences and excludes 0 for a clear gap', () => {
    const random = new SeededRandom(5);
    const a = bernoulli(400, 0.7, random);
    const b = bernoulli(400, 0.4, random);
    const ci = pairedBootstrapDiffCI(a, b, { seed: 1 });
    expect(ci.estimate).toBeCloseTo(a.reduce((x, y) => x + y, 0) / 400 - b.reduce((x, y) => x + y, 0) / 400, 12);
    expect(ci.low).toBeGreaterThan(0);
    expect(() => pairedBootstrapDiffCI(a, b.subarray(1))).toThrow(/different lengths/);
  });
});

describe('rank correlations with ties (hand-computed)', () => {
  // x = [1, 2, 2, 4, 5], y = [2, 1, 3, 3, 5].
  // Ranks: x → [1, 2.5, 2.5, 4, 5], y → [2, 1, 3.5, 3.5, 5]; centred sums: Sxy = 7.25, Sxx = Syy = 9.5,
  // so ρ = 7.25 / 9.5. Pairs: 7 concordant, 1 discordant, 1 tied in x only, 1 tied in y only,
  // so τ-b = (7 − 1) / √((10 − 1)(10 − 1)) = 6 / 9.
  const x = [1, 2, 2, 4, 5];
  const y = [2, 1, 3, 3, 5];

  it('averages the ranks of ties', () => {
    expect(Array.from(averageRanks(x))).toEqual([1, 2.5, 2.5, 4, 5]);
    expect(Array.from(averageRanks(y))).toEqual([2, 1, 3.5, 3.5, 5]);
  });

  it("Spearman's ρ", () => {
    expect(spearman(x, y)).toBeCloseTo(7.25 / 9.5, 12);
    expect(spearman([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
  });

  it("Kendall's τ-b", () => {
    expect(kendallTauB(x, y)).toBeCloseTo(6 / 9, 12);
    expect(kendallTauB([1, 2, 3, 4], [1, 2, 3, 4])).toBe(1);
    expect(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
  });

  it("Kendall's τ-b by merge sort equals the pair-by-pair definition on heavily tied data", () => {
    const random = new SeededRandom(3);
    for (const n of [2, 3, 7, 50, 301, 1000]) {
      const a = Array.from({ length: n }, () => random.nextIndex(5));
      const b = Array.from({ length: n }, (_, i) => (a[i]! + random.nextIndex(4)) % 6);
      let score = 0;
      let tiedA = 0;
      let tiedB = 0;
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const da = Math.sign(a[j]! - a[i]!);
          const db = Math.sign(b[j]! - b[i]!);
          score += da * db;
          if (da === 0) tiedA++;
          if (db === 0) tiedB++;
        }
      }
      const pairs = (n * (n - 1)) / 2;
      const expected = score / Math.sqrt((pairs - tiedA) * (pairs - tiedB));
      if (Number.isNaN(expected)) expect(kendallTauB(a, b)).toBeNaN();
      else expect(kendallTauB(a, b)).toBeCloseTo(expected, 12);
    }
  });
});

describe('mcnemarExact', () => {
  it('reproduces the exact conditional p-value of Fagerland, Lydersen & Laake (2013)', () => {
    // BMC Med Res Methodol 13:91, airway hyper-responsiveness before/after (Bentur et al.):
    // b = 1, c = 7 discordant pairs; exact conditional McNemar p = 0.070 (2 · 9/256 = 0.0703).
    const before = [...Array(1).fill(1), ...Array(7).fill(0), ...Array(2).fill(1), ...Array(11).fill(0)];
    const after = [...Array(1).fill(0), ...Array(7).fill(1), ...Array(2).fill(1), ...Array(11).fill(0)];
    const result = mcnemarExact(before, after);
    expect(result).toMatchObject({ onlyA: 1, onlyB: 7 });
    expect(result.pValue).toBeCloseTo(18 / 256, 12);
  });

  it('is 1 without discordant pairs and symmetric in its arguments', () => {
    expect(mcnemarExact([1, 0, 1], [1, 0, 1]).pValue).toBe(1);
    const a = [1, 1, 1, 1, 1, 0, 0, 1, 1, 1];
    const b = [0, 0, 0, 0, 1, 0, 1, 0, 0, 1];
    expect(mcnemarExact(a, b).pValue).toBeCloseTo(mcnemarExact(b, a).pValue, 15);
  });
});

describe('pairedPermutationTest', () => {
  // Darwin's Zea mays data as analysed by Fisher (The Design of Experiments, 1935, §21): height
  // differences, crossed minus self-fertilised, in eighths of an inch. Fisher counted 1,726 of the
  // 2^15 = 32,768 sign patterns at least as extreme: two-sided p = 1726 / 32768 = 0.0527.
  const differences = [49, -67, 8, 16, 6, 23, 28, 41, 14, 29, 56, 24, 75, 60, -48];
  const zeros = differences.map(() => 0);

  it("reproduces Fisher's exact p for Darwin's data", () => {
    expect(pairedPermutationTest(differences, zeros)).toBeCloseTo(1726 / 32768, 12);
  });

  it('Monte-Carlo sign flips agree with the exact value', () => {
    const p = pairedPermutationTest(differences, zeros, { exactUpTo: 0, iterations: 20_000, seed: 9 });
    // sd of the estimate: √(0.053 · 0.947 / 20000) ≈ 0.0016
    expect(Math.abs(p - 1726 / 32768)).toBeLessThan(0.006);
  });

  it('is 1 for identical runs', () => {
    expect(pairedPermutationTest([0.3, 0.5], [0.3, 0.5])).toBe(1);
  });
});

describe('holmBonferroni', () => {
  it('steps down and keeps the adjusted p-values monotone', () => {
    // p = (0.01, 0.04, 0.03, 0.005), m = 4: sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 → 0.06.
    const { adjusted, rejected } = holmBonferroni([0.01, 0.04, 0.03, 0.005]);
    expect(adjusted.map((p) => Number(p.toFixed(10)))).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(rejected).toEqual([true, false, false, true]);
  });
});

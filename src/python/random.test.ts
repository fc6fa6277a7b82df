import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PythonRandom } from './random.ts';

/**
 * CPython 3.11's random.Random is the spec. cpython/random-oracle.py wrote these outputs with it
 * (seeds 0, 1, 42, 1234, -42, 2**40 + 7, 2**70 + 12345; see the script for every call).
 */
interface SeedOracle {
  seed: string;
  floats: number[];
  bits: string[];
  ints: number[];
  steps: number[];
  choice: string[];
  shuffled: number[];
  samples: Record<string, number[][]>;
  chained: number[][];
  boot: number[];
}
const oracle = JSON.parse(readFileSync(new URL('./cpython/random-oracle.json', import.meta.url), 'utf8')) as {
  seeds: SeedOracle[];
};

const SEEDS: (number | bigint)[] = [0, 1, 42, 1234, -42, 2 ** 40 + 7, 2n ** 70n + 12345n];
const POPULATION_SIZES = [5, 21, 22, 100, 1000];

describe('PythonRandom matches CPython 3.11 random.Random', () => {
  it('pins a few values by hand', () => {
    // CPython 3.11: random.Random(1234).random() == 0.9664535356921388
    expect(new PythonRandom(1234).random()).toBe(0.9664535356921388);
    // CPython 3.11: random.Random(1234).sample(range(10), 3) == [7, 1, 0]
    expect(new PythonRandom(1234).sample([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toEqual([7, 1, 0]);
    // CPython 3.11: random.Random(-42).random() == random.Random(42).random() (the seed's sign is dropped)
    expect(new PythonRandom(-42).random()).toBe(new PythonRandom(42).random());
  });

  it('the oracle covers the seeds this file tests', () => {
    expect(oracle.seeds.map((s) => s.seed)).toEqual(SEEDS.map(String));
  });

  SEEDS.forEach((seed, s) => {
    describe(`seed ${seed}`, () => {
      const want = oracle.seeds[s]!;

      it('random, getrandbits, randint, randrange, choice, shuffle continue one stream', () => {
        const r = new PythonRandom(seed);
        expect(Array.from({ length: 20 }, () => r.random())).toEqual(want.floats);
        expect([0, 1, 7, 31, 32, 33, 53, 64, 100].map((k) => r.getrandbits(k).toString())).toEqual(want.bits);
        const ints = Array.from({ length: 30 }, () => r.randint(-1000, 1000));
        ints.push(...Array.from({ length: 5 }, () => r.randrange(10 ** 12)));
        expect(ints).toEqual(want.ints);
        const steps = Array.from({ length: 5 }, () => r.randrange(3, 100, 7));
        steps.push(...Array.from({ length: 5 }, () => r.randrange(50, -50, -3)));
        expect(steps).toEqual(want.steps);
        expect(Array.from({ length: 10 }, () => r.choice([...'abcdefghij']))).toEqual(want.choice);
        const shuffled = Array.from({ length: 50 }, (_, i) => i);
        r.shuffle(shuffled);
        expect(shuffled).toEqual(want.shuffled);
      });

      it('sample for k = 1..26 across the set/pool branch boundary', () => {
        for (const n of POPULATION_SIZES) {
          const population = Array.from({ length: n }, (_, i) => i);
          const got = Array.from({ length: Math.min(n, 26) }, (_, i) =>
            new PythonRandom(seed).sample(population, i + 1),
          );
          expect(got, `n=${n}`).toEqual(want.samples[String(n)]);
        }
        const chained = new PythonRandom(seed);
        const population = Array.from({ length: 100 }, (_, i) => i);
        expect(Array.from({ length: 10 }, () => chained.sample(population, 5))).toEqual(want.chained);
      });

      it('choices without weights (lm-eval bootstrap)', () => {
        const population = Array.from({ length: 37 }, (_, i) => i);
        expect(new PythonRandom(seed).choices(population, 50)).toEqual(want.boot);
      });
    });
  });
});

describe('PythonRandom argument checks', () => {
  // CPython 3.11 raises ValueError('empty range for randrange()'), ValueError('zero step for randrange()'),
  // ValueError('Sample larger than population or is negative'), IndexError('Cannot choose from an empty sequence').
  it('rejects empty ranges, bad samples and non-integer seeds like CPython', () => {
    const r = new PythonRandom(0);
    expect(() => r.randrange(0)).toThrow(/empty range/);
    expect(() => r.randrange(5, 5)).toThrow(/empty range/);
    expect(() => r.randrange(0, 10, 0)).toThrow(/zero step/);
    expect(() => r.sample([1, 2], 3)).toThrow(/Sample larger/);
    expect(() => r.choice([])).toThrow(/empty sequence/);
    expect(() => new PythonRandom(1.5)).toThrow(RangeError);
    expect(r.sample([1, 2, 3], 0)).toEqual([]);
  });
});

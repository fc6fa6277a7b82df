import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PythonRandom } from './python-random.ts';

// CPython is the spec; these tests compare against it directly rather than against stored numbers.
const hasPython = spawnSync('python3', ['--version']).status === 0;
if (!hasPython) console.warn('python-random tests skipped: python3 is not on PATH (it is the oracle)');

function python(script: string): unknown {
  return JSON.parse(execFileSync('python3', ['-c', script], { encoding: 'utf8', maxBuffer: 64 << 20 }));
}

const SEEDS: (number | bigint)[] = [0, 1, 42, 1234, -42, 2 ** 40 + 7, 2n ** 70n + 12345n];
const POPULATION_SIZES = [5, 21, 22, 100, 1000];

describe.skipIf(!hasPython)('PythonRandom matches CPython', () => {
  const expected = python(`
import json, random
seeds = [0, 1, 42, 1234, -42, 2**40 + 7, 2**70 + 12345]
out = []
for seed in seeds:
    r = random.Random(seed)
    floats = [r.random() for _ in range(20)]
    bits = [str(r.getrandbits(k)) for k in (0, 1, 7, 31, 32, 33, 53, 64, 100)]
    ints = [r.randint(-1000, 1000) for _ in range(30)] + [r.randrange(10**12) for _ in range(5)]
    steps = [r.randrange(3, 100, 7) for _ in range(5)] + [r.randrange(50, -50, -3) for _ in range(5)]
    choice = [r.choice("abcdefghij") for _ in range(10)]
    shuffled = list(range(50)); r.shuffle(shuffled)
    samples = {}
    for n in ${JSON.stringify(POPULATION_SIZES)}:
        samples[n] = [random.Random(seed).sample(range(n), k) for k in range(1, min(n, 26) + 1)]
    chained = random.Random(seed)
    chained_samples = [chained.sample(range(100), 5) for _ in range(10)]
    boot = random.Random(seed).choices(list(range(37)), k=50)
    out.append(dict(floats=floats, bits=bits, ints=ints, steps=steps, choice=choice, shuffled=shuffled,
                    samples={str(k): v for k, v in samples.items()}, chained=chained_samples, boot=boot))
print(json.dumps(out))
`) as {
    floats: number[];
    bits: string[];
    ints: number[];
    steps: number[];
    choice: string[];
    shuffled: number[];
    samples: Record<string, number[][]>;
    chained: number[][];
    boot: number[];
  }[];

  SEEDS.forEach((seed, s) => {
    describe(`seed ${seed}`, () => {
      const want = expected[s]!;

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

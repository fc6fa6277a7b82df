"""Writes random-oracle.json: CPython's random.Random outputs that src/python/random.test.ts pins.

Run with CPython 3.11 (random's algorithms are stable since 3.2; sample's set/pool heuristic is
3.11's), then let biome lay the JSON out:
    python3 src/python/cpython/random-oracle.py && npx biome format --write src/python/cpython
"""
import json
import pathlib
import random
import sys

SEEDS = [0, 1, 42, 1234, -42, 2**40 + 7, 2**70 + 12345]
POPULATION_SIZES = [5, 21, 22, 100, 1000]

out = []
for seed in SEEDS:
    r = random.Random(seed)
    floats = [r.random() for _ in range(20)]
    bits = [str(r.getrandbits(k)) for k in (0, 1, 7, 31, 32, 33, 53, 64, 100)]
    ints = [r.randint(-1000, 1000) for _ in range(30)] + [r.randrange(10**12) for _ in range(5)]
    steps = [r.randrange(3, 100, 7) for _ in range(5)] + [r.randrange(50, -50, -3) for _ in range(5)]
    choice = [r.choice("abcdefghij") for _ in range(10)]
    shuffled = list(range(50))
    r.shuffle(shuffled)
    samples = {}
    for n in POPULATION_SIZES:
        samples[str(n)] = [random.Random(seed).sample(range(n), k) for k in range(1, min(n, 26) + 1)]
    chained = random.Random(seed)
    chained_samples = [chained.sample(range(100), 5) for _ in range(10)]
    boot = random.Random(seed).choices(list(range(37)), k=50)
    out.append(dict(seed=str(seed), floats=floats, bits=bits, ints=ints, steps=steps, choice=choice,
                    shuffled=shuffled, samples=samples, chained=chained_samples, boot=boot))

target = pathlib.Path(__file__).with_suffix(".json")
target.write_text(json.dumps({"python": sys.version.split()[0], "seeds": out}, separators=(",", ":")) + "\n")

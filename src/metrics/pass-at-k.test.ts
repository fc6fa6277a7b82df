import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { pass_at_1, pass_at_5, pass_at_k, passAtK, programFor } from './pass-at-k.ts';

/** n = 10: pass@1 = c/10; pass@5 = 1 - C(10-c, 5)/C(10, 5), C(10, 5) = 252; pass@10 = [c > 0]. */
const TABLE: readonly [c: number, k1: number, k5: number, k10: number][] = [
  [0, 0, 0, 0],
  [1, 0.1, 1 - 126 / 252, 1],
  [2, 0.2, 1 - 56 / 252, 1],
  [3, 0.3, 1 - 21 / 252, 1],
  [4, 0.4, 1 - 6 / 252, 1],
  [5, 0.5, 1 - 1 / 252, 1],
  [6, 0.6, 1, 1],
  [7, 0.7, 1, 1],
  [8, 0.8, 1, 1],
  [9, 0.9, 1, 1],
  [10, 1, 1, 1],
];

describe('passAtK', () => {
  it('matches the hand-computed table for n = 10', () => {
    for (const [c, k1, k5, k10] of TABLE) {
      expect(Math.abs(passAtK(10, c, 1) - k1)).toBeLessThan(1e-12);
      expect(Math.abs(passAtK(10, c, 5) - k5)).toBeLessThan(1e-12);
      expect(Math.abs(passAtK(10, c, 10) - k10)).toBeLessThan(1e-12);
    }
  });

  it("matches Chen et al.'s numpy formula", () => {
    const cases = [10, 20, 64, 200].flatMap((n) =>
      [1, 2, 5, 10, 64].filter((k) => k <= n).flatMap((k) => Array.from({ length: n + 1 }, (_, c) => [n, c, k])),
    );
    const script = [
      'import json, sys, numpy as np',
      'def est(n, c, k):',
      '    if n - c < k: return 1.0',
      '    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))',
      'print(json.dumps([est(*case) for case in json.load(sys.stdin)]))',
    ].join('\n');
    const python = spawnSync('python3', ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8' });
    expect(python.stderr).toBe('');
    const expected = JSON.parse(python.stdout) as number[];
    cases.forEach(([n, c, k], i) => {
      expect(Math.abs(passAtK(n!, c!, k!) - expected[i]!)).toBeLessThan(1e-12);
    });
  });
});

describe('the pass@k metrics', () => {
  const input = (texts: string[], kwargs: Record<string, unknown> = {}) => ({
    doc: { prompt: 'def add(a, b):\n' },
    target: 'assert add(1, 2) == 3',
    response: { kind: 'text' as const, texts },
    filteredAll: texts,
    kwargs,
  });

  it("builds lm-eval's program: the prompt field, the completion, a newline, the tests", () => {
    expect(programFor(input([], { prompt_field: 'prompt' }), '    return a + b')).toBe(
      'def add(a, b):\n    return a + b\nassert add(1, 2) == 3\n',
    );
    expect(programFor(input([]), 'x = 1')).toBe('x = 1\nassert add(1, 2) == 3\n');
  });

  it('counts the passing samples and explains each execution', async () => {
    const outcomes = new Map([
      ['def add(a, b):\n    return a + b\nassert add(1, 2) == 3\n', { status: 'passed' as const }],
      [
        'def add(a, b):\n    return a - b\nassert add(1, 2) == 3\n',
        { status: 'failed' as const, exception: 'AssertionError' },
      ],
    ]);
    const runner = { isolation: 'test', limits: {} as never, run: async (program: string) => outcomes.get(program)! };
    const texts = ['    return a + b', '    return a - b', '    return a - b', '    return a - b', '    return a - b'];
    const result = await pass_at_5.score(input(texts, { prompt_field: 'prompt' }), { codeRunner: runner });
    expect(result.value).toBe(1);
    const one = await pass_at_1.score(input(texts, { prompt_field: 'prompt' }), { codeRunner: runner });
    expect(one.value).toBeCloseTo(0.2, 12);
    expect(one.details).toMatchObject({ n: 5, c: 1, k: 1, isolation: 'test' });
    expect((one.details.executions as unknown[])[1]).toEqual({ status: 'failed', exception: 'AssertionError' });
  });

  it('refuses where n < k, several k at once, or no sandbox was allowed', async () => {
    const runner = { isolation: 'test', limits: {} as never, run: async () => ({ status: 'passed' as const }) };
    await expect(pass_at_5.score(input(['x']), { codeRunner: runner })).rejects.toThrow(/at least 5 samples/);
    await expect(pass_at_k.score(input(['x'], { k: [1, 5] }), { codeRunner: runner })).rejects.toThrow(UserError);
    await expect(pass_at_1.score(input(['x']))).rejects.toThrow(/executes model code/);
    expect((await pass_at_k.score(input(['x'], { k: [1] }), { codeRunner: runner })).value).toBe(1);
  });
});

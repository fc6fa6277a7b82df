import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alpacaEvalJudge } from '../src/judges/alpaca-eval/index.ts';
import { fitL1Logistic } from '../src/judges/alpaca-eval/l1-logistic.ts';
import { fitLengthControlledV1 } from '../src/judges/alpaca-eval/length-control-v1.ts';
import { tempDir } from './helpers.ts';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** A small deterministic generator (LCG) for synthetic data, uniform in [0, 1). */
function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Synthetic AlpacaEval data drawn from a known length_controlled_v1 model: preferences are the
 * model's probabilities themselves, so the unpenalised fit recovers the parameters exactly and the
 * cross-validated L1 fit nearly so.
 */
function synthetic(truth: { length: number; difficulty: number; model: number }) {
  const next = uniform(7);
  const difficulty = Array.from({ length: 805 }, () => 4 * next() - 2);
  const gamed = [0, 1].flatMap(() =>
    difficulty.map((d, index) => {
      const stdDeltaLen = 3 * next() - 1.5;
      return {
        index,
        stdDeltaLen,
        difficulty: d,
        preference: sigmoid(truth.length * Math.tanh(stdDeltaLen) + truth.difficulty * d),
      };
    }),
  );
  const lengths = difficulty.map(() => ({
    modelLength: Math.floor(200 + 2000 * next()),
    baselineLength: Math.floor(200 + 2000 * next()),
  }));
  const delta = lengths.map((l) => l.baselineLength - l.modelLength);
  const mean = delta.reduce((a, b) => a + b, 0) / delta.length;
  const sd = Math.sqrt(delta.reduce((a, d) => a + (d - mean) ** 2, 0) / (delta.length - 1));
  const rows = lengths.map((l, index) => ({
    ...l,
    index,
    preference:
      1 + sigmoid(truth.length * Math.tanh(delta[index]! / sd) + truth.difficulty * difficulty[index]! + truth.model),
  }));
  return { difficulty, gamed, rows };
}

describe('AlpacaEval length_controlled_v1 fit (cross-validated L1 logistic GLM)', () => {
  const truth = { length: -1.5, difficulty: 0.8, model: 0.4 };
  const { difficulty, gamed, rows } = synthetic(truth);
  const expectedLc = (100 * difficulty.reduce((a, d) => a + sigmoid(truth.difficulty * d + truth.model), 0)) / 805;

  it('recovers the generating coefficients and the LC win rate at zero length difference', () => {
    const fit = fitLengthControlledV1(rows, gamed, new Map(difficulty.map((d, i) => [i, d])));
    expect(fit.weights.length).toBeCloseTo(truth.length, 2);
    expect(fit.weights.difficulty).toBeCloseTo(truth.difficulty, 2);
    expect(fit.weights.model).toBeCloseTo(truth.model, 2);
    expect(Math.abs(fit.length_controlled_winrate - expectedLc)).toBeLessThan(0.05);
    // The raw win rate is far from the LC one here: the model's answers are judged on length too.
    const raw = (100 * rows.reduce((a, r) => a + r.preference - 1, 0)) / rows.length;
    expect(Math.abs(raw - expectedLc)).toBeGreaterThan(0.5);
  });

  it('through the judge: a preferences CSV and --df_gamed give the same LC win rate', () => {
    const dir = tempDir('alpaca-lc-');
    const preferences = join(dir, 'preferences.csv');
    const instructions = join(dir, 'instructions.jsonl');
    const dfGamed = join(dir, 'df_gamed.csv');
    writeFileSync(
      preferences,
      `model,index,preference,len_output\n${rows.map((r) => `synthetic,${r.index},${r.preference},${r.modelLength}`).join('\n')}\n`,
    );
    writeFileSync(
      instructions,
      rows.map((r) => JSON.stringify({ index: r.index, len_baseline_output: r.baselineLength })).join('\n'),
    );
    writeFileSync(
      dfGamed,
      `model,index,preference,std_delta_len,instruction_difficulty,not_gamed_baseline\n${gamed
        .map((g) => `gamed,${g.index},${g.preference},${g.stdDeltaLen},${g.difficulty},False`)
        .join('\n')}\n`,
    );
    const outcome = alpacaEvalJudge.recompute(preferences, { instructions, dfGamed });
    expect(outcome.primary).toBe('length_controlled_winrate');
    expect(Math.abs(outcome.rows[0]!.scores.length_controlled_winrate! - expectedLc)).toBeLessThan(0.05);
  });

  it('the L1 solver meets the optimality conditions with sample weights', () => {
    const next = uniform(11);
    const n = 300;
    const x1 = Float64Array.from({ length: n }, () => 2 * next() - 1);
    const x2 = Float64Array.from({ length: n }, () => 1);
    const labels = Float64Array.from(x1, (x) => sigmoid(1.2 * x - 0.3) * 0.9 + 0.05 * next());
    const weights = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0.1 : 1));
    const c = 0.05;
    const w = fitL1Logistic({ columns: [x1, x2], labels, weights }, c);
    [x1, x2].forEach((x, j) => {
      let g = 0;
      for (let i = 0; i < n; i++)
        g += c * weights[i]! * (sigmoid(w[0]! * x1[i]! + w[1]! * x2[i]!) - labels[i]!) * x[i]!;
      // Nonzero weights: C·∂loss/∂w_j = −sign(w_j); a zero weight: |C·∂loss/∂w_j| ≤ 1.
      if (w[j] !== 0) expect(g + Math.sign(w[j]!)).toBeCloseTo(0, 8);
      else expect(Math.abs(g)).toBeLessThanOrEqual(1 + 1e-9);
    });
  });
});

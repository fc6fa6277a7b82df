import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alpacaEvalJudge } from '../src/judges/alpaca-eval/index.ts';
import { fitLengthControlledMinimal, predictLengthControlled } from '../src/judges/alpaca-eval/length-control.ts';
import { ROOT } from './helpers.ts';

// CC BY-NC 4.0 data: read at test time only, never copied into the repository.
const DATA = join(ROOT, '../shared/datasets/judgments/alpaca-eval');
const PREFERENCES = join(DATA, 'preferences_weighted_alpaca_eval_gpt4_turbo.csv');
const LEADERBOARD = join(DATA, 'weighted_alpaca_eval_gpt4_turbo_leaderboard.csv');
const WEIGHTS = join(DATA, 'lc_glm_weights_baseline_gpt4_1106_preview.csv');

/** The published CSV's columns by model (no quoted fields in this file). */
function csvByModel(path: string): Map<string, Record<string, string>> {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const columns = header!.split(',');
  return new Map(
    lines.map((line) => {
      const fields = line.split(',');
      return [fields[0]!, Object.fromEntries(columns.map((c, i) => [c, fields[i]!]))];
    }),
  );
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const [ma, mb] = [mean(a), mean(b)];
  let [ab, aa, bb] = [0, 0, 0];
  a.forEach((x, i) => {
    ab += (x - ma) * (b[i]! - mb);
    aa += (x - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}

describe('AlpacaEval 2 leaderboard from the published preferences', () => {
  const outcome = alpacaEvalJudge.recompute(PREFERENCES, {});
  const published = csvByModel(LEADERBOARD);
  const rows = outcome.rows.filter((r) => published.has(r.model));

  it('reproduces win rate, standard error, counts and discrete win rate of all 57 models', () => {
    expect(rows).toHaveLength(57);
    for (const row of rows) {
      const p = published.get(row.model)!;
      for (const key of ['win_rate', 'standard_error', 'discrete_win_rate'])
        expect(Math.abs(row.scores[key]! - Number(p[key])), `${row.model} ${key}`).toBeLessThan(1e-6);
      for (const key of ['n_wins', 'n_wins_base', 'n_draws', 'n_total'])
        expect(row.scores[key], `${row.model} ${key}`).toBe(Number(p[key]));
    }
  });

  it('an upstream annotations.json gives the same numbers as its rows in the preferences CSV', () => {
    const fromJson = alpacaEvalJudge.recompute(join(DATA, 'annotations_gpt-3.5-turbo-1106.json'), {}).rows[0]!;
    const fromCsv = outcome.rows.find((r) => r.model === 'gpt-3.5-turbo-1106')!;
    expect(fromJson.model).toBe('gpt-3.5-turbo-1106');
    // Same preferences and the same lengths (code points of output_1/output_2 vs the CSV's columns).
    for (const key of Object.keys(fromCsv.scores)) expect(fromJson.scores[key]).toBeCloseTo(fromCsv.scores[key]!, 9);
  });

  it('length_controlled_minimal: the fit satisfies the L1 optimality conditions on real preferences', () => {
    const csv = readFileSync(PREFERENCES, 'utf8').trim().split('\n').slice(1);
    const baseline = new Map(
      readFileSync(join(DATA, 'instructions.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { index: number; len_baseline_output: number })
        .map((r) => [r.index, r.len_baseline_output]),
    );
    const rows = csv
      .map((l) => l.split(','))
      .filter((f) => f[0] === 'claude-2')
      .map((f) => ({
        preference: Number(f[2]),
        modelLength: Number(f[3]),
        baselineLength: baseline.get(Number(f[1]))!,
      }));
    const fit = fitLengthControlledMinimal(rows);
    // Independent check: at the optimum of |w|₁ + C·loss, C·∂loss/∂w_j = −sign(w_j) for each w_j ≠ 0.
    const delta = rows.map((r) => r.baselineLength - r.modelLength);
    const m = delta.reduce((a, b) => a + b, 0) / delta.length;
    const sd = Math.sqrt(delta.reduce((a, d) => a + (d - m) ** 2, 0) / (delta.length - 1));
    const gradient = new Float64Array(2);
    rows.forEach((r, i) => {
      const x = Math.tanh(delta[i]! / sd);
      const p = 1 / (1 + Math.exp(-(fit.length * x + fit.model)));
      gradient[0]! += fit.c * (p - (r.preference - 1)) * x;
      gradient[1]! += fit.c * (p - (r.preference - 1));
    });
    expect(fit.length).not.toBe(0);
    expect(fit.model).not.toBe(0);
    expect(gradient[0]! + Math.sign(fit.length)).toBeCloseTo(0, 6);
    expect(gradient[1]! + Math.sign(fit.model)).toBeCloseTo(0, 6);
    expect(fit.length_controlled_winrate).toBeCloseTo(100 / (1 + Math.exp(-fit.model)), 12);
  });

  it('length_controlled_minimal: longer answers are preferred, as in every published weight', () => {
    const weights = csvByModel(WEIGHTS);
    for (const row of rows.filter((r) => r.model !== 'gpt4_1106_preview' && weights.has(r.model))) {
      const fit = row.scores.length_controlled_minimal_winrate!;
      expect(Number(weights.get(row.model)!['np.tanh(std_delta_len)']), row.model).toBeLessThan(0);
      // A negative length coefficient means the equal-length prediction sits above the raw win rate
      // for a model whose answers are mostly shorter than the baseline's (all of these but NullModel
      // and the FuseChat models, whose raw rates are near or above 50 %).
      if (row.scores.win_rate! < 20) expect(fit, row.model).toBeGreaterThan(row.scores.win_rate!);
    }
  });

  it('length_controlled_minimal moves less than the raw win rate between concise and verbose prompts', () => {
    const score = (model: string, key: string) => rows.find((r) => r.model === model)!.scores[key]!;
    for (const family of [
      ['gpt-3.5-turbo-1106_concise', 'gpt-3.5-turbo-1106', 'gpt-3.5-turbo-1106_verbose'],
      ['claude-2.1_concise', 'claude-2.1'],
    ]) {
      const spread = (key: string) =>
        Math.max(...family.map((m) => score(m, key))) - Math.min(...family.map((m) => score(m, key)));
      expect(spread('length_controlled_minimal_winrate')).toBeLessThan(spread('win_rate'));
    }
  });

  it('length_controlled_minimal against the published LC win rate of all 57 models (the figures README quotes)', () => {
    const minimal = rows.map((r) => r.scores.length_controlled_minimal_winrate!);
    const raw = rows.map((r) => r.scores.win_rate!);
    const lc = rows.map((r) => Number(published.get(r.model)!.length_controlled_winrate));
    expect(minimal.every(Number.isFinite)).toBe(true);
    // The minimal variant ranks models less like the published LC than the raw win rate does.
    expect(pearson(minimal, lc)).toBeCloseTo(0.942, 3);
    expect(pearson(raw, lc)).toBeCloseTo(0.982, 3);
    const differences = rows.map((r, i) => ({ model: r.model, d: minimal[i]! - lc[i]! }));
    const mean = differences.reduce((a, x) => a + x.d, 0) / differences.length;
    expect(mean).toBeCloseTo(6.4, 1);
    const worst = differences.reduce((a, x) => (Math.abs(x.d) > Math.abs(a.d) ? x : a));
    expect(worst.model).toBe('gpt4_gamed');
    expect(worst.d).toBeCloseTo(27.07, 2);
  });

  it('length_controlled_v1 prediction: σ(θ_model + θ_difficulty·d) averaged over instructions (hand-worked)', () => {
    const weights = { length: -1.5, difficulty: 2, model: 0.5 };
    // d = 0, −0.25, 0.25 → logits 0.5, 0, 1.
    const expected = (100 * (1 / (1 + Math.exp(-0.5)) + 0.5 + 1 / (1 + Math.exp(-1)))) / 3;
    expect(predictLengthControlled(weights, [0, -0.25, 0.25])).toBeCloseTo(expected, 12);
    // The baseline against itself is 50 % whatever the difficulties.
    expect(predictLengthControlled({ length: 0, difficulty: 0, model: 0 }, [3, -2, 0.1])).toBe(50);
  });
});

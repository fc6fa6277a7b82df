/**
 * AlpacaEval 2's length-controlled win rate: a logistic GLM of the judge's (soft) preference on
 * tanh(standardised length difference), the instruction's difficulty and a model term, evaluated
 * with the length difference set to zero. `predictLengthControlled` applies fitted weights (the
 * published weights file); `fitLengthControlledMinimal` fits the `length_controlled_minimal`
 * variant (no difficulty term, no regularisation to the baseline), for when the per-instruction
 * difficulty file is not at hand.
 */

/** The three fitted coefficients of `length_controlled_v1`, as the weights CSV stores them. */
export interface LengthControlWeights {
  readonly length: number;
  readonly difficulty: number;
  readonly model: number;
}

export function logistic(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * 100 × mean over the instructions of σ(θ_model + θ_difficulty · difficulty_i), each weight taken
 * relative to the baseline's (zero for the baseline the weights were fitted against).
 */
export function predictLengthControlled(
  weights: LengthControlWeights,
  difficulties: readonly number[],
  baseline: LengthControlWeights = { length: 0, difficulty: 0, model: 0 },
): number {
  const model = weights.model - baseline.model;
  const difficulty = weights.difficulty - baseline.difficulty;
  let sum = 0;
  for (const d of difficulties) sum += logistic(model + difficulty * d);
  return (100 * sum) / difficulties.length;
}

/** One judged instruction: the preference (1–2) and both answers' lengths in code points. */
export interface LengthControlRow {
  readonly preference: number;
  readonly modelLength: number;
  readonly baselineLength: number;
}

export interface MinimalFit {
  /** Coefficient of tanh(std_delta_len), std_delta_len = (len_baseline − len_model) / sd. */
  readonly length: number;
  /** The model term; the LC win rate is 100 σ(model). */
  readonly model: number;
  readonly length_controlled_winrate: number;
}

/** Inverse L1 strength of upstream's unvalidated fit (scikit-learn's C). */
export const MINIMAL_FIT_C = 100;

/**
 * L1-penalised logistic regression without intercept on the features [tanh(std_delta_len), 1],
 * soft labels y = preference − 1 entering as weight y on label 1 and 1 − y on label 0:
 * minimise |w|₁ + C Σ_i [−y_i log σ(z_i) − (1 − y_i) log(1 − σ(z_i))], z_i = w·x_i.
 * Solved by cyclic coordinate descent with exact one-dimensional Newton steps under the L1
 * subgradient, to a tolerance far below the published values' precision.
 */
export function fitLengthControlledMinimal(rows: readonly LengthControlRow[], c = MINIMAL_FIT_C): MinimalFit {
  const n = rows.length;
  const delta = rows.map((r) => r.baselineLength - r.modelLength);
  const meanDelta = delta.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(delta.reduce((a, d) => a + (d - meanDelta) ** 2, 0) / (n - 1));
  const features = [delta.map((d) => (sd > 0 ? Math.tanh(d / sd) : 0)), rows.map(() => 1)];
  // Preference 0 means the judge's answer could not be parsed: upstream counts it as a tie.
  const y = rows.map((r) => (r.preference === 0 ? 0.5 : r.preference - 1));
  const w = [0, 0];
  const z = new Float64Array(n);
  for (let sweep = 0; sweep < 500; sweep++) {
    let largestStep = 0;
    for (let j = 0; j < 2; j++) {
      const x = features[j]!;
      for (let newton = 0; newton < 50; newton++) {
        let gradient = 0;
        let curvature = 0;
        for (let i = 0; i < n; i++) {
          const p = logistic(z[i]!);
          gradient += c * (p - y[i]!) * x[i]!;
          curvature += c * p * (1 - p) * x[i]! * x[i]!;
        }
        const next = softThresholdNewton(w[j]!, gradient, curvature);
        const step = next - w[j]!;
        if (step === 0) break;
        for (let i = 0; i < n; i++) z[i] = z[i]! + step * x[i]!;
        w[j] = next;
        largestStep = Math.max(largestStep, Math.abs(step));
        if (Math.abs(step) < 1e-13) break;
      }
    }
    if (largestStep < 1e-12) break;
  }
  return { length: w[0]!, model: w[1]!, length_controlled_winrate: 100 * logistic(w[1]!) };
}

/** argmin over v of |v| + g·(v − w) + h/2·(v − w)²: the proximal Newton step for one coordinate. */
function softThresholdNewton(w: number, g: number, h: number): number {
  if (h <= 0) return w;
  const u = w - g / h;
  const shrink = 1 / h;
  if (u > shrink) return u - shrink;
  if (u < -shrink) return u + shrink;
  return 0;
}

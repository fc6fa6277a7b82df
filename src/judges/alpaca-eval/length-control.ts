import { fitL1LogisticCV, logistic } from './l1-logistic.ts';

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

export { logistic };

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
  /** The inverse L1 penalty cross-validation chose. */
  readonly c: number;
  readonly length_controlled_winrate: number;
}

/**
 * `length_controlled_minimal`: the features are [tanh(std_delta_len), 1] on the model's rows only,
 * std_delta_len = (len_baseline − len_model) / sd, no regularisation to the baseline; the L1 penalty
 * is chosen by 5-fold cross-validation, as upstream's GLM_INFO sets for this variant.
 */
export function fitLengthControlledMinimal(rows: readonly LengthControlRow[]): MinimalFit {
  const tanhDelta = standardisedLengthDifference(rows);
  // Preference 0 means the judge's answer could not be parsed: upstream counts it as a tie.
  const labels = Float64Array.from(rows, (r) => (r.preference === 0 ? 0.5 : r.preference - 1));
  const { weights, c } = fitL1LogisticCV({
    columns: [tanhDelta, new Float64Array(rows.length).fill(1)],
    labels,
    weights: new Float64Array(rows.length).fill(1),
  });
  const [length, model] = weights as [number, number];
  return { length, model, c, length_controlled_winrate: 100 * logistic(model) };
}

/** tanh((len_baseline − len_model) / sd), sd the sample standard deviation of that difference over the rows. */
export function standardisedLengthDifference(rows: readonly LengthControlRow[]): Float64Array {
  const n = rows.length;
  const delta = rows.map((r) => r.baselineLength - r.modelLength);
  const meanDelta = delta.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(delta.reduce((a, d) => a + (d - meanDelta) ** 2, 0) / (n - 1));
  return Float64Array.from(delta, (d) => (sd > 0 ? Math.tanh(d / sd) : 0));
}

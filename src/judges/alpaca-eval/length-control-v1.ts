import { UserError } from '../../errors.ts';
import { numberField, readRecords } from '../files.ts';
import { fitL1LogisticCV, logistic, type SoftLabelData } from './l1-logistic.ts';
import { type LengthControlRow, type LengthControlWeights, standardisedLengthDifference } from './length-control.ts';

/** One row of AlpacaEval's `df_gamed.csv`: a length-gamed variant of the baseline against the baseline. */
export interface GamedRow {
  readonly index: number;
  /** Soft label in [0, 1]. */
  readonly preference: number;
  /** The row's standardised length difference (before tanh). */
  readonly stdDeltaLen: number;
  readonly difficulty: number;
}

/** Share of the loss given to the gamed baselines' rows, split over the two of them (upstream's λ). */
export const REGULARIZE_TO_BASELINE_LAMBDA = 0.2;

/**
 * AlpacaEval's `df_gamed.csv` (columns `index`, `preference`, `std_delta_len`, `instruction_difficulty`);
 * a preference above 1 is read as 1 + P and shifted to [0, 1]. Also gives each instruction's
 * difficulty, as upstream takes it from the first row of each index.
 */
export function readGamedBaselines(path: string): { rows: GamedRow[]; difficulty: Map<number, number> } {
  const records = readRecords(path, '--df_gamed');
  const rows = records.map((row, i) => ({
    index: numberField(row, 'index', path, i),
    preference: numberField(row, 'preference', path, i),
    stdDeltaLen: numberField(row, 'std_delta_len', path, i),
    difficulty: numberField(row, 'instruction_difficulty', path, i),
  }));
  if (rows.length === 0) throw new UserError('no rows', { file: path, field: '--df_gamed' });
  const shift = rows.some((r) => r.preference > 1) ? 1 : 0;
  const difficulty = new Map<number, number>();
  for (const r of rows) if (!difficulty.has(r.index)) difficulty.set(r.index, r.difficulty);
  return { rows: rows.map((r) => ({ ...r, preference: r.preference - shift })), difficulty };
}

export interface LengthControlledFit {
  readonly weights: LengthControlWeights;
  /** The inverse penalty cross-validation chose. */
  readonly c: number;
  readonly length_controlled_winrate: number;
}

/**
 * `length_controlled_v1`: features tanh(std_delta_len), instruction difficulty and the model
 * indicator (0 on the gamed baselines' rows, which weigh λ/2 each), no intercept, L1 penalty chosen
 * by 5-fold cross-validation on the soft-label log loss; the LC win rate is the mean over the model's
 * instructions of σ(θ_difficulty·d_i + θ_model), the prediction at zero length difference.
 */
export function fitLengthControlledV1(
  rows: readonly (LengthControlRow & { readonly index: number })[],
  gamed: readonly GamedRow[],
  difficulty: ReadonlyMap<number, number>,
): LengthControlledFit {
  const difficultyOf = (index: number) => {
    const d = difficulty.get(index);
    if (d === undefined)
      throw new UserError(`instruction ${index} has no difficulty in the gamed-baseline file`, { field: '--df_gamed' });
    return d;
  };
  const tanhDelta = standardisedLengthDifference(rows);
  const n = gamed.length + rows.length;
  const data: SoftLabelData = {
    columns: [
      Float64Array.from({ length: n }, (_, i) =>
        i < gamed.length ? Math.tanh(gamed[i]!.stdDeltaLen) : tanhDelta[i - gamed.length]!,
      ),
      Float64Array.from({ length: n }, (_, i) =>
        i < gamed.length ? gamed[i]!.difficulty : difficultyOf(rows[i - gamed.length]!.index),
      ),
      Float64Array.from({ length: n }, (_, i) => (i < gamed.length ? 0 : 1)),
    ],
    labels: Float64Array.from({ length: n }, (_, i) =>
      i < gamed.length ? gamed[i]!.preference : softLabel(rows[i - gamed.length]!.preference),
    ),
    weights: Float64Array.from({ length: n }, (_, i) => (i < gamed.length ? REGULARIZE_TO_BASELINE_LAMBDA / 2 : 1)),
  };
  const { weights, c } = fitL1LogisticCV(data);
  const [length, difficultyWeight, model] = weights as [number, number, number];
  let sum = 0;
  for (const r of rows) sum += logistic(difficultyWeight * difficultyOf(r.index) + model);
  return {
    weights: { length, difficulty: difficultyWeight, model },
    c,
    length_controlled_winrate: (100 * sum) / rows.length,
  };
}

/** Preference 1–2 as a label in [0, 1]; 0 (the judge's reply could not be parsed) counts as a tie, as upstream. */
function softLabel(preference: number): number {
  return preference === 0 ? 0.5 : preference - 1;
}

/**
 * L1-penalised logistic regression without intercept on soft labels, the problem liblinear
 * solves for AlpacaEval's GLMs: minimise |w|₁ + C Σ_i s_i [−y_i log σ(z_i) − (1 − y_i) log(1 − σ(z_i))],
 * z_i = w·x_i, y_i ∈ [0, 1], s_i ≥ 0 (scikit-learn's duplicated rows y=1 with weight s·y and y=0
 * with weight s·(1 − y) are this loss). Cyclic coordinate descent with exact one-dimensional
 * proximal Newton steps, to a tolerance far below the published values' precision.
 */
export function logistic(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

export interface SoftLabelData {
  /** One array per feature (column), each of length n. */
  readonly columns: readonly Float64Array[];
  readonly labels: Float64Array;
  readonly weights: Float64Array;
}

export function fitL1Logistic(data: SoftLabelData, c: number, start?: readonly number[]): number[] {
  const { columns, labels, weights } = data;
  const n = labels.length;
  const w = start ? [...start] : columns.map(() => 0);
  const z = new Float64Array(n);
  columns.forEach((x, j) => {
    if (w[j] !== 0) for (let i = 0; i < n; i++) z[i] = z[i]! + w[j]! * x[i]!;
  });
  for (let sweep = 0; sweep < 1000; sweep++) {
    let largestStep = 0;
    for (let j = 0; j < columns.length; j++) {
      const x = columns[j]!;
      for (let newton = 0; newton < 50; newton++) {
        let gradient = 0;
        let curvature = 0;
        for (let i = 0; i < n; i++) {
          const s = weights[i]!;
          if (s === 0) continue;
          const p = logistic(z[i]!);
          gradient += c * s * (p - labels[i]!) * x[i]!;
          curvature += c * s * p * (1 - p) * x[i]! * x[i]!;
        }
        const next = proximalNewton(w[j]!, gradient, curvature);
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
  return w;
}

/** argmin over v of |v| + g·(v − w) + h/2·(v − w)²: the proximal Newton step for one coordinate. */
function proximalNewton(w: number, g: number, h: number): number {
  if (h <= 0) return w;
  const u = w - g / h;
  const shrink = 1 / h;
  if (u > shrink) return u - shrink;
  if (u < -shrink) return u + shrink;
  return 0;
}

/** Mean over rows of s_i times the soft-label log loss (AlpacaEval's CV score, lower is better). */
export function weightedLogLoss(data: SoftLabelData, w: readonly number[], rows: readonly number[]): number {
  let total = 0;
  for (const i of rows) {
    let z = 0;
    data.columns.forEach((x, j) => {
      z += w[j]! * x[i]!;
    });
    const p = Math.min(Math.max(logistic(z), 1e-15), 1 - 1e-15);
    const y = data.labels[i]!;
    total -= data.weights[i]! * (y * Math.log(p) + (1 - y) * Math.log(1 - p));
  }
  return total / rows.length;
}

/** scikit-learn's default grid of inverse penalties for LogisticRegressionCV: 10 values from 1e-4 to 1e4. */
export const DEFAULT_CS: readonly number[] = Array.from({ length: 10 }, (_, k) => 10 ** (-4 + (8 * k) / 9));

/**
 * The penalty chosen by `folds`-fold cross-validation (row i in fold i mod folds, both soft copies of a
 * row together as GroupKFold keeps them), then the fit on all rows with it.
 */
export function fitL1LogisticCV(
  data: SoftLabelData,
  folds = 5,
  cs: readonly number[] = DEFAULT_CS,
): { readonly weights: number[]; readonly c: number } {
  const n = data.labels.length;
  const subset = (rows: readonly number[]): SoftLabelData => ({
    columns: data.columns.map((x) => Float64Array.from(rows, (i) => x[i]!)),
    labels: Float64Array.from(rows, (i) => data.labels[i]!),
    weights: Float64Array.from(rows, (i) => data.weights[i]!),
  });
  const loss = cs.map(() => 0);
  for (let f = 0; f < folds; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (i % folds === f ? test : train).push(i);
    const trainData = subset(train);
    let start: number[] | undefined;
    cs.forEach((c, k) => {
      start = fitL1Logistic(trainData, c, start);
      loss[k] = loss[k]! + weightedLogLoss(data, start, test);
    });
  }
  let best = 0;
  for (let k = 1; k < cs.length; k++) if (loss[k]! < loss[best]!) best = k;
  return { weights: fitL1Logistic(data, cs[best]!), c: cs[best]! };
}

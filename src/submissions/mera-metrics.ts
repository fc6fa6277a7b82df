/**
 * The MERA website's per-record and per-task metrics (modules/scoring/src/tasks/*.py at v1.2.0),
 * with Python's semantics where they change a number: `str.split`, `\W` and `\b` over Unicode.
 */
import { aggregations, mean } from '../metrics/aggregations.ts';
import { compilePythonRegex, pythonRemoveAll } from '../python/regex.ts';
import { pythonStrSplit } from '../python/whitespace.ts';

/** ASCII punctuation, Python's string.punctuation, as SQuAD's normalisation removes it. */
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
const ARTICLES = compilePythonRegex('\\b(a|an|the)\\b');

/** SQuAD's normalize_answer: lower case, no punctuation, no English articles, single spaces. */
export function squadNormalize(text: string): string {
  const lowered = text.toLowerCase();
  const noPunctuation = [...lowered].filter((ch) => !PUNCTUATION.has(ch)).join('');
  return pythonStrSplit(pythonRemoveAll(ARTICLES, noPunctuation)).join(' ');
}

function squadTokens(text: string): string[] {
  return text === '' ? [] : pythonStrSplit(squadNormalize(text));
}

export function squadExact(gold: string, prediction: string): number {
  return squadNormalize(gold) === squadNormalize(prediction) ? 1 : 0;
}

/** SQuAD's token F1 (bag of tokens); two empty answers agree. */
export function squadF1(gold: string, prediction: string): number {
  const goldTokens = squadTokens(gold);
  const predTokens = squadTokens(prediction);
  if (goldTokens.length === 0 || predTokens.length === 0) {
    return goldTokens.length === predTokens.length ? 1 : 0;
  }
  const counts = new Map<string, number>();
  for (const t of goldTokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of predTokens) {
    const left = counts.get(t) ?? 0;
    if (left > 0) {
      same++;
      counts.set(t, left - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / predTokens.length;
  const recall = same / goldTokens.length;
  return (2 * precision * recall) / (precision + recall);
}

/** F1 and EM of CheGeKa and MultiQ: the best over the gold answers (MERA separates them with ";"). */
export function squadScores(answers: readonly string[], prediction: string): { f1: number; em: number } {
  return {
    f1: Math.max(...answers.map((a) => squadF1(a, prediction))),
    em: Math.max(...answers.map((a) => squadExact(a, prediction))),
  };
}

/** sklearn's f1_score(average="macro") over string labels: every label seen in gold or prediction, F1 0 where undefined. */
export function macroF1(golds: readonly string[], predictions: readonly string[]): number {
  const labels = [...new Set([...golds, ...predictions])].sort();
  const f1s = labels.map((label) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    golds.forEach((gold, i) => {
      const pred = predictions[i];
      if (gold === label && pred === label) tp++;
      else if (pred === label) fp++;
      else if (gold === label) fn++;
    });
    return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  });
  return mean(f1s);
}

/** sklearn's matthews_corrcoef over numeric labels (ruEthics reads its "0"/"1" strings as floats). */
export function matthews(pairs: readonly (readonly [number, number])[]): number {
  const mcc = aggregations.matthews_corrcoef;
  if (mcc === undefined) throw new Error('matthews_corrcoef is missing from the aggregation registry');
  return mcc(pairs);
}

/** Python's float() of a label string; a string it cannot read throws, as float() raises. */
export function pythonFloat(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value.trim() === '' || Number.isNaN(Number(value.trim()))) {
    throw new TypeError(`${JSON.stringify(value)} is not a number`);
  }
  return Number(value.trim());
}

// USE's points and grade_norm, and the code tasks' pass@k, live with the metrics a run computes,
// so a run's score and the website-style score of its export are one implementation.
export { codeGenerationPasses, codeGenerations, codePassAtK } from '../metrics/mera/code.ts';
export { type ExamItem, examGradeMetrics, examItemPoints } from '../metrics/mera/exam.ts';

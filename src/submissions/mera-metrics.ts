/**
 * The MERA website's per-record and per-task metrics (modules/scoring/src/tasks/*.py at v1.2.0),
 * with Python's semantics where they change a number: `str.split`, `\W` and `\b` over Unicode.
 */
import { aggregations, mean } from '../metrics/aggregations.ts';
import { passAtK } from '../metrics/pass-at-k.ts';
import { pythonEquals } from '../python/equality.ts';
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

const NON_WORD_OR_DIGIT = compilePythonRegex('[\\d+\\W+]');

/** One USE item's points, by its meta.type: matching lists, a text answer, or a set of choices (task 16 with partial credit). */
export function examItemPoints(type: string, idTask: string, answer: string, prediction: string): number {
  if (type === 'matching') {
    const pred = prediction.split(',');
    const gold = answer.split(',');
    if (pred.length !== gold.length) return 0;
    return gold.filter((g, i) => g === pred[i]).length;
  }
  if (type === 'text') {
    const cleaned = pythonRemoveAll(NON_WORD_OR_DIGIT, prediction).toLowerCase();
    return answer.split(',').includes(cleaned) ? 1 : 0;
  }
  const pred = prediction.split(',');
  const gold = answer.split(',');
  if (idTask === '16') {
    while (pred.length < gold.length) pred.push('-1');
    const goldSet = new Set(gold);
    const common = new Set(pred.filter((p) => goldSet.has(p))).size;
    return Math.max(0, common - pred.length + gold.length);
  }
  const goldSet = new Set(gold);
  const predSet = new Set(pred);
  const common = [...predSet].filter((p) => goldSet.has(p)).length;
  return common === goldSet.size && goldSet.size === predSet.size ? 1 : 0;
}

export interface ExamItem {
  readonly score: number;
  readonly maxScore: number;
  readonly variant: string;
  readonly idTask: string;
}

/** grade_norm: per variant, points over possible points; then the mean over variants. Per sub-task: the mean of item ratios. */
export function examGradeMetrics(items: readonly ExamItem[]): Record<string, number> {
  const byVariant = new Map<string, { score: number; max: number }>();
  const byTask = new Map<string, number[]>();
  for (const item of items) {
    const v = byVariant.get(item.variant) ?? { score: 0, max: 0 };
    v.score += item.score;
    v.max += item.maxScore;
    byVariant.set(item.variant, v);
    const ratios = byTask.get(item.idTask) ?? [];
    ratios.push(item.score / item.maxScore);
    byTask.set(item.idTask, ratios);
  }
  const metrics: Record<string, number> = {
    grade_norm: mean([...byVariant.values()].map((v) => v.score / v.max)),
  };
  for (const [idTask, ratios] of byTask) metrics[`grade_norm.task${idTask}`] = mean(ratios);
  return metrics;
}

/** A sequence as Python's len() and indexing see it: a list, or a string's code points; anything else raises. */
function pythonSequence(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  throw new TypeError(`${JSON.stringify(value)} has no length`);
}

function sameKind(a: unknown, b: unknown): boolean {
  const kind = (x: unknown) => (x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x);
  return kind(a) === kind(b);
}

/** A code generation passes when its per-test outputs have the gold's length and type and all equal the gold. */
export function codeGenerationPasses(goldTests: readonly unknown[], generation: unknown): boolean {
  const pred = pythonSequence(generation);
  if (pred.length === 0 || pred.length !== goldTests.length) return false;
  if (!sameKind(goldTests[0], pred[0])) return false;
  return goldTests.every((g, i) => pythonEquals(g, pred[i]));
}

/**
 * The generations of a code task's outputs. v1.2 wraps them in one list, `[[gen_1, ..., gen_n]]`; v1.1
 * submissions (the sample ZIP) have `[gen_1, ..., gen_n]`. A one-element outputs is v1.2 unless its
 * element is itself one generation (per-test strings or nulls, not all "timed out").
 */
export function codeGenerations(outputs: readonly unknown[]): readonly unknown[] {
  const first = outputs[0];
  if (outputs.length !== 1) return outputs;
  if (!Array.isArray(first)) return pythonSequence(first);
  const oneGeneration =
    first.length > 0 &&
    first.every((x) => typeof x === 'string' || x === null) &&
    !first.every((x) => x === 'timed out');
  return oneGeneration ? outputs : first;
}

export function codePassAtK(goldTests: readonly unknown[], generations: readonly unknown[], ks: readonly number[]) {
  const correct = generations.filter((g) => codeGenerationPasses(goldTests, g)).length;
  return Object.fromEntries(ks.map((k) => [`pass@${k}`, passAtK(generations.length, correct, k)]));
}

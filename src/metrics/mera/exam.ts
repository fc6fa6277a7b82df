/**
 * USE (the Russian state exam): the MERA website's per-item points and grade_norm
 * (modules/scoring/src/tasks/use.py at v1.2.0), as one library both `score-submission` and a
 * run's `grade_norm` metric use, so the two agree by construction.
 */
import { UserError } from '../../errors.ts';
import { compilePythonRegex, pythonRemoveAll } from '../../python/regex.ts';
import type { SampleValue, ScoreInput, SyncMetric } from '../types.ts';

/** Left-to-right mean (the aggregation registry imports this file, so it is not imported from there). */
function mean(numbers: readonly number[]): number {
  let sum = 0;
  for (const x of numbers) sum += x;
  return sum / numbers.length;
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

/** grade_norm alone: per variant, points over possible points; then the mean over variants. */
export function examGradeNorm(items: readonly Omit<ExamItem, 'idTask'>[]): number {
  const byVariant = new Map<string, { score: number; max: number }>();
  for (const item of items) {
    const v = byVariant.get(item.variant) ?? { score: 0, max: 0 };
    v.score += item.score;
    v.max += item.maxScore;
    byVariant.set(item.variant, v);
  }
  return mean([...byVariant.values()].map((v) => v.score / v.max));
}

/** grade_norm, and per sub-task (`grade_norm.task<N>`) the mean of item ratios, as the website reports them. */
export function examGradeMetrics(items: readonly ExamItem[]): Record<string, number> {
  const byTask = new Map<string, number[]>();
  for (const item of items) {
    const ratios = byTask.get(item.idTask) ?? [];
    ratios.push(item.score / item.maxScore);
    byTask.set(item.idTask, ratios);
  }
  const metrics: Record<string, number> = { grade_norm: examGradeNorm(items) };
  for (const [idTask, ratios] of byTask) metrics[`grade_norm.task${idTask}`] = mean(ratios);
  return metrics;
}

/** The possible points of an item: meta.score, a number or a numeric string (Python's float()). */
function possiblePoints(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : Number.NaN;
}

/**
 * A USE record's points for a run's prediction, as the per-document value the `grade_norm`
 * aggregation sums per variant: [points, possible points, variant].
 */
function scoreExamItem(input: ScoreInput): SampleValue {
  const doc = input.doc as { outputs?: unknown; meta?: Record<string, unknown> };
  const meta = doc.meta ?? {};
  const possible = possiblePoints(meta.score);
  // A closed test set has no answers (outputs ""): nothing to score, the run still gives the answers to export.
  if (doc.outputs === '') return [0, Number.isFinite(possible) ? possible : 1, String(meta.variant)];
  if (typeof doc.outputs !== 'string' || !Number.isFinite(possible) || meta.variant === undefined)
    throw new UserError(
      'grade_norm scores USE records: the document needs outputs (a string), meta.score, meta.variant, meta.type and meta.id_task',
      { field: 'metric_list' },
    );
  const points = examItemPoints(String(meta.type), String(meta.id_task), doc.outputs, input.filtered ?? '');
  return [points, possible, String(meta.variant)];
}

/** MERA's USE metric: a run's documents scored as the website scores a submission of the same answers. */
export const grade_norm: SyncMetric = {
  name: 'grade_norm',
  higherIsBetter: true,
  defaultAggregation: 'grade_norm',
  score: scoreExamItem,
};

/** The grade_norm aggregation over [points, possible, variant] per document. */
export function gradeNormAggregation(values: readonly SampleValue[]): number {
  if (values.length === 0) throw new RangeError('grade_norm: no samples to aggregate');
  return examGradeNorm(
    values.map((value) => {
      if (!Array.isArray(value) || typeof value[0] !== 'number' || typeof value[1] !== 'number')
        throw new TypeError(`grade_norm needs [points, possible, variant] items, got ${JSON.stringify(value)}`);
      return { score: value[0], maxScore: value[1], variant: String(value[2]) };
    }),
  );
}

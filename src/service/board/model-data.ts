/**
 * What the model page and the comparison read: a submission's board scores (normalised scale),
 * their per-domain means with intervals, sub-category scores and prompt spread, and the paired
 * per-item outcomes two submissions share.
 */
import { and, eq, isNotNull, or, type SQL } from 'drizzle-orm';
import type { AuthUser } from '../auth.ts';
import { isMaintainer } from '../auth.ts';
import type { Db } from '../db/open.ts';
import { samples, scores, submissions, subScores } from '../db/schema.ts';
import type { BoardSuite } from '../suites.ts';
import { scoreOut } from './query.ts';
import { BOARD_METRIC, type TaskScore } from './view.ts';

export type ScoreCell = ReturnType<typeof scoreOut>;

export interface ValueWithCi {
  readonly value: number;
  readonly ci_low: number | null;
  readonly ci_high: number | null;
}

/** Submissions `user` may see: public ones, their own, and every one for maintainers. */
export function visibleTo(user: AuthUser | null): SQL | undefined {
  if (isMaintainer(user)) return undefined;
  if (user === null) return eq(submissions.visibility, 'public');
  return or(eq(submissions.visibility, 'public'), eq(submissions.ownerId, user.id));
}

export async function boardScores(db: Db, submissionId: number): Promise<Map<string, TaskScore>> {
  const rows = await db
    .select()
    .from(scores)
    .where(and(eq(scores.submissionId, submissionId), eq(scores.metric, BOARD_METRIC)));
  return new Map(rows.map(({ submissionId: _, taskId, metric: __, ...s }) => [taskId, s]));
}

export function scoreCells(taskScores: ReadonlyMap<string, TaskScore>): Record<string, ScoreCell> {
  return Object.fromEntries([...taskScores].map(([task, s]) => [task, scoreOut(s, true)]));
}

/**
 * The mean of a domain's task scores; its interval from the tasks' standard errors as independent
 * estimates (se = √Σse² / n, ±1.96 se), or null when a task has none.
 */
export function domainValues(
  suite: BoardSuite,
  cells: Readonly<Record<string, ScoreCell>>,
): Record<string, ValueWithCi> {
  const out: Record<string, ValueWithCi> = {};
  for (const domain of suite.domains) {
    const tasks = suite.tasks.filter((t) => t.domain === domain).map((t) => cells[t.id]);
    if (tasks.length === 0 || tasks.some((c) => c === undefined)) continue;
    const values = tasks as ScoreCell[];
    const value = values.reduce((a, c) => a + c.value, 0) / values.length;
    const ses = values.map((c) => c.stderr);
    if (ses.some((s) => s === null)) {
      out[domain] = { value, ci_low: null, ci_high: null };
      continue;
    }
    const se = Math.sqrt((ses as number[]).reduce((a, s) => a + s * s, 0)) / values.length;
    out[domain] = { value, ci_low: value - 1.96 * se, ci_high: value + 1.96 * se };
  }
  return out;
}

export async function subcategoryValues(
  db: Db,
  submissionId: number,
): Promise<Record<string, Record<string, { raw: number; value: number }>>> {
  const rows = await db.select().from(subScores).where(eq(subScores.submissionId, submissionId));
  const out: Record<string, Record<string, { raw: number; value: number }>> = {};
  for (const r of rows) {
    out[r.taskId] ??= {};
    out[r.taskId]![r.subcategory] = { raw: r.raw, value: r.normalised ?? r.raw * 100 };
  }
  return out;
}

/** Per task, the mean metric value under each prompt variant, and how far apart they are. */
export async function promptSpread(db: Db, submissionId: number) {
  const rows = await db
    .select({ task: samples.taskId, prompt: samples.promptId, value: samples.metricValue })
    .from(samples)
    .where(and(eq(samples.submissionId, submissionId), isNotNull(samples.promptId), isNotNull(samples.metricValue)));
  const sums = new Map<string, Map<string, { sum: number; n: number }>>();
  for (const r of rows) {
    let byPrompt = sums.get(r.task);
    if (!byPrompt) {
      byPrompt = new Map();
      sums.set(r.task, byPrompt);
    }
    const acc = byPrompt.get(r.prompt!) ?? { sum: 0, n: 0 };
    acc.sum += r.value!;
    acc.n++;
    byPrompt.set(r.prompt!, acc);
  }
  const out: Record<string, { per_prompt: Record<string, number>; mean: number; spread: number; std: number }> = {};
  for (const [task, byPrompt] of sums) {
    const perPrompt = Object.fromEntries([...byPrompt].map(([p, { sum, n }]) => [p, sum / n]));
    const values = Object.values(perPrompt);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.length > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) : 0;
    out[task] = {
      per_prompt: perPrompt,
      mean,
      spread: Math.max(...values) - Math.min(...values),
      std: Math.sqrt(variance),
    };
  }
  return out;
}

/** Per item, the metric value a submission scored on a task (items without a numeric value left out). */
export async function itemValues(db: Db, submissionId: number, taskId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ item: samples.itemId, value: samples.metricValue })
    .from(samples)
    .where(and(eq(samples.submissionId, submissionId), eq(samples.taskId, taskId), isNotNull(samples.metricValue)));
  return new Map(rows.map((r) => [r.item, r.value!]));
}

/**
 * One task's metrics from its gold and predicted records, as the MERA website computes them once a
 * file passed validation: every gold id must have a prediction of the gold's JSON type.
 */
import { mean } from '../metrics/aggregations.ts';
import {
  codeGenerations,
  codePassAtK,
  macroF1,
  matthews,
  pythonFloat,
  squadScores,
  type ExamItem,
  examItemPoints,
  examGradeMetrics,
} from './mera-metrics.ts';
import { jsonKind, type MeraRecord, type SubmissionError } from './mera-records.ts';
import type { MeraSubmissionTask } from './mera-tasks.ts';

/** One predicted record with what it scored, for the sample viewer; never holds the gold answer. */
export interface MeraItemScore {
  /** The record's id as the website keys it (MeraRecord.key). */
  readonly key: string;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly outputs: unknown;
  /** The item's own metric where the task has one per item (acc, em, f1, pass@1, USE points). */
  readonly metric: string | null;
  readonly value: number | null;
}

export type TaskMetricsResult =
  | { readonly ok: true; readonly metrics: Record<string, number>; readonly items: readonly MeraItemScore[] }
  | { readonly ok: false; readonly errors: readonly SubmissionError[] };

/** The group a gold record belongs to for `acc.<group>`; undefined where the gold does not say. */
function groupOf(
  record: MeraRecord,
  path: 'meta.domain' | 'meta.criteria' | 'inputs.target_group',
): string | undefined {
  const [where, key] = path.split('.') as ['meta' | 'inputs', string];
  const holder = where === 'meta' ? record.meta : record.inputs;
  const value = typeof holder === 'object' && holder !== null ? (holder as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function meanBy(groups: Map<string, number[]>, prefix: string): Record<string, number> {
  return Object.fromEntries([...groups].map(([group, values]) => [`${prefix}.${group}`, mean(values)]));
}

function push(groups: Map<string, number[]>, key: string, value: number): void {
  const list = groups.get(key) ?? [];
  list.push(value);
  groups.set(key, list);
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`${what} is a ${jsonKind(value)}, not a string`);
  return value;
}

export function scoreTaskRecords(
  task: MeraSubmissionTask,
  fileName: string,
  gold: readonly MeraRecord[],
  predicted: readonly MeraRecord[],
): TaskMetricsResult {
  const errors: SubmissionError[] = [];
  const byKey = new Map(predicted.map((r) => [r.key, r]));
  const goldKeys = new Set(gold.map((r) => r.key));
  const pairs: [MeraRecord, MeraRecord][] = [];
  for (const g of gold) {
    const p = byKey.get(g.key);
    if (p === undefined) {
      errors.push({ task: task.name, type: 'no_id', id: g.id, message: `${fileName} has no record with id ${g.key}` });
    } else if (jsonKind(p.outputs) !== jsonKind(g.outputs)) {
      const message = `${fileName} id ${g.key}: outputs is a ${jsonKind(p.outputs)}, expected a ${jsonKind(g.outputs)}`;
      errors.push({ task: task.name, type: 'doc_output_type_error', id: g.id, message });
    } else {
      pairs.push([g, p]);
    }
  }
  for (const p of predicted) {
    if (!goldKeys.has(p.key)) {
      const message = `${fileName} has a record with id ${p.key}, which is not in the test set`;
      errors.push({ task: task.name, type: 'unknown_id', id: p.id, message });
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  const perRecord: Record<string, number>[] = [];
  const items: MeraItemScore[] = [];
  const groups = new Map<string, number[]>();
  const useItems: ExamItem[] = [];
  const ethics = new Map<string, [number, number][]>();
  const labels: { gold: string[]; pred: string[] } = { gold: [], pred: [] };
  for (const [g, p] of pairs) {
    const item = (metric: string | null, value: number | null) =>
      items.push({ key: p.key, meta: p.meta, outputs: p.outputs, metric, value });
    try {
      switch (task.scoring) {
        case 'acc':
        case 'acc_f1_macro':
        case 'em': {
          const correct = g.outputs === p.outputs ? 1 : 0;
          perRecord.push({ [task.scoring === 'em' ? 'em' : 'acc']: correct });
          item(task.scoring === 'em' ? 'em' : 'acc', correct);
          const group = task.groupBy ? groupOf(g, task.groupBy) : undefined;
          if (group !== undefined) push(groups, group, correct);
          if (task.scoring === 'acc_f1_macro') {
            labels.gold.push(text(g.outputs, 'gold outputs'));
            labels.pred.push(text(p.outputs, 'outputs'));
          }
          break;
        }
        case 'squad': {
          const scores = squadScores(goldAnswers(g.outputs), predictedAnswer(p.outputs));
          perRecord.push(scores);
          item('f1', scores.f1);
          break;
        }
        case 'use': {
          const idTask = String(g.meta.id_task);
          const score = examItemPoints(
            String(g.meta.type),
            idTask,
            text(g.outputs, 'gold'),
            text(p.outputs, 'outputs'),
          );
          useItems.push({ score, maxScore: pythonFloat(g.meta.score), variant: String(g.meta.variant), idTask });
          item('points', score);
          break;
        }
        case 'ethics': {
          const question = String(g.meta.question);
          const goldLabels = g.outputs as Record<string, unknown>;
          const predLabels = p.outputs as Record<string, unknown>;
          for (const category of Object.keys(goldLabels)) {
            if (!(category in predLabels)) throw new TypeError(`outputs has no "${category}"`);
            const list = ethics.get(`${question}.${category}`) ?? [];
            list.push([pythonFloat(goldLabels[category]), pythonFloat(predLabels[category])]);
            ethics.set(`${question}.${category}`, list);
          }
          item(null, null);
          break;
        }
        case 'code': {
          const passes = codePassAtK(
            g.outputs as unknown[],
            codeGenerations(p.outputs as unknown[]),
            task.ks ?? [1, 5, 10],
          );
          perRecord.push(passes);
          item('pass@1', passes['pass@1'] ?? null);
          break;
        }
        case 'detox':
          item(null, null);
          break;
      }
    } catch (e) {
      const message = `${fileName} id ${g.key}: outputs cannot be scored: ${(e as Error).message}`;
      errors.push({ task: task.name, type: 'doc_parse_output_error', id: g.id, message });
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  const metrics: Record<string, number> = {};
  if (task.scoring === 'use') return { ok: true, metrics: examGradeMetrics(useItems), items };
  if (task.scoring === 'ethics') {
    for (const [name, list] of ethics) metrics[name] = matthews(list);
    return { ok: true, metrics, items };
  }
  for (const name of Object.keys(perRecord[0] ?? {})) metrics[name] = mean(perRecord.map((r) => r[name] ?? 0));
  if (task.scoring === 'acc_f1_macro') metrics.f1_macro = macroF1(labels.gold, labels.pred);
  Object.assign(metrics, meanBy(groups, 'acc'));
  return { ok: true, metrics, items };
}

function spanSegments(spans: readonly unknown[]): string[] {
  return spans.map((span) => {
    const segment = typeof span === 'object' && span !== null ? (span as { segment?: unknown }).segment : span;
    return text(segment, 'span segment');
  });
}

/**
 * CheGeKa and MultiQ gold answers: a string's ";"-separated alternatives. v1.1 MultiQ outputs are lists
 * of spans ({segment, ...}); each segment is then an alternative (segments may contain ";" themselves).
 */
function goldAnswers(value: unknown): string[] {
  if (Array.isArray(value)) return spanSegments(value);
  return text(value, 'gold outputs').split(';');
}

/** A CheGeKa or MultiQ prediction; a v1.1 span list answers with its first segment. */
function predictedAnswer(value: unknown): string {
  if (Array.isArray(value)) return spanSegments(value)[0] ?? '';
  return text(value, 'outputs');
}

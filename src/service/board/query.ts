/** The one board query behind every view: filters, sort, scale and page over a suite's view. */
import { badRequest, notFound } from '../api/errors.ts';
import type { BoardQuery, BoardResponse, BoardRowOut } from '../api/schemas.ts';
import type { BoardSnapshot, TaskScore, ViewRow } from './view.ts';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 5000;
const META_SORTS = ['model_id', 'name', 'params_b', 'submitted_at', 'type', 'precision'] as const;

const list = (value: string | undefined): Set<string> | null =>
  value === undefined || value.trim() === ''
    ? null
    : new Set(
        value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );

/** A canonical key for memoising a query: the same filters in any order give the same key. */
export function queryKey(q: BoardQuery): string {
  return JSON.stringify(Object.entries(q).sort(([a], [b]) => a.localeCompare(b)));
}

export function runBoardQuery(snapshot: BoardSnapshot, q: BoardQuery): BoardResponse {
  const suiteId = q.suite ?? snapshot.suites[0]?.id;
  const view = suiteId === undefined ? undefined : snapshot.views.get(suiteId);
  if (!view) throw notFound(`suite ${q.suite ?? ''} (suites: ${snapshot.suites.map((s) => s.id).join(', ')})`);
  const { suite } = view;
  const normalised = q.normalised !== 'false';
  let taskIds = suite.tasks.map((t) => t.id);
  if (q.task !== undefined) {
    if (!taskIds.includes(q.task))
      throw badRequest(`task: ${q.task} is not in suite ${suite.id} (${taskIds.join(', ')})`);
    taskIds = [q.task];
  }
  if (q.domain !== undefined) {
    if (!suite.domains.includes(q.domain))
      throw badRequest(`domain: ${q.domain} is not in suite ${suite.id} (${suite.domains.join(', ')})`);
    taskIds = taskIds.filter((id) => suite.tasks.find((t) => t.id === id)?.domain === q.domain);
  }
  const subset = q.task !== undefined || q.domain !== undefined;

  const types = list(q.type);
  const openness = list(q.openness);
  const precisions = list(q.precision);
  const modes = list(q.mode);
  const search = q.search?.trim().toLowerCase() || null;
  const paramsMin = q.params_min === undefined ? null : Number(q.params_min);
  const paramsMax = q.params_max === undefined ? null : Number(q.params_max);
  const chat = q.chat_template === undefined ? null : q.chat_template === 'true';
  const picksOnly = q.picks === 'true';
  const standardOnly = q.standard !== 'all';

  const rows = view.rows.filter(
    (r) =>
      (!standardOnly || r.standardSetup) &&
      (search === null || r.searchKey.includes(search)) &&
      (types === null || types.has(r.type)) &&
      (openness === null || openness.has(r.openness)) &&
      (precisions === null || (r.precision !== null && precisions.has(r.precision))) &&
      (modes === null || (r.mode !== null && modes.has(r.mode))) &&
      (chat === null || r.chatTemplate === chat) &&
      (!picksOnly || r.pick) &&
      (paramsMin === null || (r.paramsB !== null && r.paramsB >= paramsMin)) &&
      (paramsMax === null || (r.paramsB !== null && r.paramsB <= paramsMax)) &&
      (q.submitted_after === undefined || (r.submittedAt !== null && r.submittedAt >= q.submitted_after)) &&
      (q.task === undefined || r.scores.has(q.task)),
  );

  const average = (r: ViewRow): number | null => {
    if (!subset) return normalised ? r.total : r.totalRaw;
    const values = taskIds.map((t) => r.scores.get(t));
    if (values.some((v) => v === undefined)) return null;
    return mean(values.map((v) => scaled(v!, normalised)));
  };
  const sortBy = q.sort ?? 'average';
  const descending = (q.order ?? (sortBy === 'average' || taskIds.includes(sortBy) ? 'desc' : 'asc')) === 'desc';
  let key: (r: ViewRow) => number | string | null;
  if (sortBy === 'average') key = average;
  else if (taskIds.includes(sortBy))
    key = (r) => (r.scores.has(sortBy) ? scaled(r.scores.get(sortBy)!, normalised) : null);
  else if ((META_SORTS as readonly string[]).includes(sortBy)) key = metaKey(sortBy as (typeof META_SORTS)[number]);
  else throw badRequest(`sort: no column ${sortBy} (average, ${[...taskIds, ...META_SORTS].join(', ')})`);
  const keyed = rows.map((r) => ({ r, k: key(r) }));
  keyed.sort((a, b) => {
    // Rows without a value go last whichever the order; ties keep submission order.
    if (a.k === null || b.k === null) return a.k === b.k ? a.r.submissionId - b.r.submissionId : a.k === null ? 1 : -1;
    const c = a.k < b.k ? -1 : a.k > b.k ? 1 : 0;
    return c === 0 ? a.r.submissionId - b.r.submissionId : descending ? -c : c;
  });

  const limit = q.limit === undefined ? DEFAULT_LIMIT : Number(q.limit);
  if (limit < 1 || limit > MAX_LIMIT) throw badRequest(`limit: ${limit} is not between 1 and ${MAX_LIMIT}`);
  const offset = q.offset === undefined ? 0 : Number(q.offset);
  const page = keyed.slice(offset, offset + limit);
  return {
    total: rows.length,
    suite: {
      id: suite.id,
      name: suite.name,
      description: suite.description,
      tasks: suite.tasks.map(({ id, name, domain, random_baseline }) => ({ id, name, domain, random_baseline })),
      domains: [...suite.domains],
    },
    columns: ['average', ...taskIds],
    rows: page.map(({ r }) => outRow(r, taskIds, normalised, average(r))),
  };
}

function metaKey(column: (typeof META_SORTS)[number]): (r: ViewRow) => number | string | null {
  switch (column) {
    case 'model_id':
      return (r) => r.modelId;
    case 'name':
      return (r) => r.name;
    case 'params_b':
      return (r) => r.paramsB;
    case 'submitted_at':
      return (r) => r.submittedAt;
    case 'type':
      return (r) => r.type;
    case 'precision':
      return (r) => r.precision;
  }
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** A score on the requested scale; a task with no normalised value shows its raw score × 100. */
export function scaled(s: TaskScore, normalised: boolean): number {
  return normalised ? (s.normalised ?? s.raw * 100) : s.raw;
}

export function scoreOut(s: TaskScore, normalised: boolean) {
  return normalised
    ? {
        value: scaled(s, true),
        raw: s.raw,
        stderr: s.normalisedStderr,
        ci_low: s.normalisedCiLow,
        ci_high: s.normalisedCiHigh,
      }
    : { value: s.raw, raw: s.raw, stderr: s.stderr, ci_low: s.ciLow, ci_high: s.ciHigh };
}

function outRow(r: ViewRow, taskIds: readonly string[], normalised: boolean, average: number | null): BoardRowOut {
  const scores: BoardRowOut['scores'] = {};
  for (const t of taskIds) {
    const s = r.scores.get(t);
    if (s) scores[t] = scoreOut(s, normalised);
  }
  return {
    model_id: r.modelId,
    submission_id: r.submissionId,
    name: r.name,
    org: r.org,
    type: r.type as BoardRowOut['type'],
    openness: r.openness as BoardRowOut['openness'],
    precision: r.precision,
    params_b: r.paramsB,
    architecture: r.architecture,
    license: r.license,
    chat_template: r.chatTemplate,
    mode: r.mode as BoardRowOut['mode'],
    pick: r.pick,
    standard_setup: r.standardSetup,
    submitted_at: r.submittedAt,
    average,
    scores,
  };
}

export const CSV_META_COLUMNS = [
  'model_id',
  'name',
  'type',
  'openness',
  'precision',
  'params_b',
  'chat_template',
  'mode',
  'pick',
  'standard_setup',
  'submitted_at',
  'average',
] as const;

/** The board's rows as CSV: the meta columns, then one column per task shown, in the same order. */
export function boardCsv(result: BoardResponse): string {
  const taskIds = result.columns.filter((c) => c !== 'average');
  const lines = [[...CSV_META_COLUMNS, ...taskIds].join(',')];
  for (const r of result.rows) {
    const cells: unknown[] = CSV_META_COLUMNS.map((c) => r[c]);
    for (const t of taskIds) cells.push(r.scores[t]?.value);
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

import { type BoardRow, MODEL_TYPES, type ModelType, type Suite } from '../api.ts';

/**
 * The leaderboard's view as the URL holds it. The same parameters go to the API's export, so the
 * file a user downloads has exactly the rows on screen; filterRows applies them in the browser to
 * the one full fetch, with the service's semantics (comma lists mean OR, bounds inclusive).
 */
/** The most rows one board request returns (the API's cap). */
export const MAX_ROWS = 5000;

export interface BoardView {
  suite: string | null;
  normalised: boolean;
  search: string;
  types: ModelType[];
  openness: ('open' | 'proprietary')[];
  precisions: string[];
  chatTemplate: boolean | null;
  mode: 'loglikelihood' | 'generative' | null;
  picks: boolean;
  paramsMin: number | null;
  paramsMax: number | null;
  /** false: non-standard setups are shown too (the API's standard=all). */
  standardOnly: boolean;
  task: string | null;
  domain: string | null;
  sort: string;
  order: 'asc' | 'desc';
  hidden: string[];
}

const list = (params: URLSearchParams, name: string): string[] =>
  (params.get(name) ?? '').split(',').filter((item) => item !== '');

const num = (value: string | null): number | null => {
  if (value === null || value === '') return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
};

const bool = (value: string | null): boolean | null => (value === 'true' ? true : value === 'false' ? false : null);

export function parseView(params: URLSearchParams): BoardView {
  const mode = params.get('mode');
  return {
    suite: params.get('suite'),
    normalised: params.get('normalised') !== 'false',
    search: params.get('search') ?? '',
    types: list(params, 'type').filter((t): t is ModelType => (MODEL_TYPES as readonly string[]).includes(t)),
    openness: list(params, 'openness').filter((o): o is 'open' | 'proprietary' => o === 'open' || o === 'proprietary'),
    precisions: list(params, 'precision'),
    chatTemplate: bool(params.get('chat_template')),
    mode: mode === 'loglikelihood' || mode === 'generative' ? mode : null,
    picks: params.get('picks') === 'true',
    paramsMin: num(params.get('params_min')),
    paramsMax: num(params.get('params_max')),
    standardOnly: params.get('standard') !== 'all',
    task: params.get('task'),
    domain: params.get('domain'),
    sort: params.get('sort') ?? 'average',
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
    hidden: list(params, 'hide'),
  };
}

/** The view as URL parameters, defaults left out so a shared link stays short. */
export function viewToParams(view: BoardView): Record<string, string | null> {
  const joined = (items: readonly string[]) => (items.length > 0 ? items.join(',') : null);
  return {
    suite: view.suite,
    normalised: view.normalised ? null : 'false',
    search: view.search || null,
    type: joined(view.types),
    openness: joined(view.openness),
    precision: joined(view.precisions),
    chat_template: view.chatTemplate === null ? null : String(view.chatTemplate),
    mode: view.mode,
    picks: view.picks ? 'true' : null,
    params_min: view.paramsMin === null ? null : String(view.paramsMin),
    params_max: view.paramsMax === null ? null : String(view.paramsMax),
    standard: view.standardOnly ? null : 'all',
    task: view.task,
    domain: view.domain,
    sort: view.sort === 'average' ? null : view.sort,
    order: view.order === 'desc' ? null : view.order,
    hide: joined(view.hidden),
  };
}

/** The query string of the API's export for this view: every filter and the sort, not the UI-only column choice. */
export function exportQuery(view: BoardView, format: 'csv' | 'json'): string {
  const query = new URLSearchParams({ format });
  for (const [name, value] of Object.entries(viewToParams(view))) {
    if (name === 'hide' || value === null) continue;
    query.set(name, value);
  }
  query.set('normalised', String(view.normalised));
  if (view.standardOnly) query.set('standard', 'true');
  query.set('sort', view.sort);
  query.set('order', view.order);
  // The export pages as the board query does (default 50 rows); the view is every matching row.
  query.set('limit', String(MAX_ROWS));
  return query.toString();
}

/** The one fetch the board filters and sorts in the browser: every row of the suite, non-standard ones included. */
export function boardQuery(view: BoardView): string {
  const query = new URLSearchParams({ normalised: String(view.normalised), standard: 'all', limit: String(MAX_ROWS) });
  if (view.suite) query.set('suite', view.suite);
  return query.toString();
}

/** Lower-cased text the search box matches (the model id, as the service searches), computed once per fetch. */
export function searchKey(row: BoardRow): string {
  return row.model_id.toLowerCase();
}

/**
 * The rows in the order the service breaks ties in (submission id ascending): the table's sort is
 * stable, so equal scores then sit in the same order on screen as in the export.
 */
export function inTieOrder(rows: readonly BoardRow[]): BoardRow[] {
  return [...rows].sort((a, b) => a.submission_id - b.submission_id);
}

/**
 * With one task or one domain chosen, the service ranks by the mean over those tasks (null when a
 * row lacks one of them) and lists only rows scored on a chosen single task; the same here.
 */
export function restrictToTasks(
  rows: readonly BoardRow[],
  taskIds: readonly string[],
  singleTask: string | null,
): BoardRow[] {
  const out: BoardRow[] = [];
  for (const row of rows) {
    if (singleTask !== null && row.scores[singleTask] === undefined) continue;
    const values = taskIds.map((t) => row.scores[t]?.value);
    const complete = values.every((v): v is number => typeof v === 'number');
    const average = complete && values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null;
    out.push({ ...row, average });
  }
  return out;
}

export function filterRows(rows: readonly BoardRow[], keys: readonly string[], view: BoardView): BoardRow[] {
  const needle = view.search.trim().toLowerCase();
  const types = new Set<string>(view.types);
  const openness = new Set<string>(view.openness);
  const precisions = new Set(view.precisions);
  const out: BoardRow[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (view.standardOnly && !row.standard_setup) continue;
    if (needle && !keys[i]!.includes(needle)) continue;
    if (types.size > 0 && !types.has(row.type)) continue;
    if (openness.size > 0 && !openness.has(row.openness)) continue;
    if (precisions.size > 0 && (row.precision === null || !precisions.has(row.precision))) continue;
    if (view.chatTemplate !== null && row.chat_template !== view.chatTemplate) continue;
    if (view.mode !== null && row.mode !== view.mode) continue;
    if (view.picks && !row.pick) continue;
    if (view.paramsMin !== null && (row.params_b === null || row.params_b < view.paramsMin)) continue;
    if (view.paramsMax !== null && (row.params_b === null || row.params_b > view.paramsMax)) continue;
    out.push(row);
  }
  return out;
}

/** The score columns the view shows: one task, a domain's tasks, or the whole suite. */
export function scoreColumns(suite: Suite, task: string | null, domain: string | null): string[] {
  if (task && suite.tasks.some((t) => t.id === task)) return [task];
  if (domain) return suite.tasks.filter((t) => t.domain === domain).map((t) => t.id);
  return suite.tasks.map((t) => t.id);
}

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, type Board, type Suite } from '../api.ts';
import { BoardTable, META_COLUMNS } from '../board/BoardTable.tsx';
import { Filters } from '../board/Filters.tsx';
import {
  type BoardView,
  boardQuery,
  exportQuery,
  filterRows,
  inTieOrder,
  parseView,
  restrictToTasks,
  scoreColumns,
  searchKey,
  viewToParams,
} from '../board/view.ts';
import { useQuery } from '../router.tsx';

/** Performance marks the browser tests read: first render after the API answered, and each search keystroke. */
const MARK_RESPONSE = 'board:api-response';
const MARK_KEYSTROKE = 'board:search-input';
const SEARCH_URL_DELAY_MS = 300;

/** A sort on a task column falls back to the average when the chosen tasks change and the column may go. */
function keepSortOnTasks(view: BoardView, suite: Suite | null): Partial<BoardView> {
  return suite?.tasks.some((t) => t.id === view.sort) ? { sort: 'average', order: 'desc' } : {};
}

// On a phone the filters start folded, so the table is on the first screen.
const wideScreen = window.matchMedia('(min-width: 641px)').matches;

export function Leaderboard() {
  const [params, setParams] = useQuery();
  const queryString = params.toString();
  const view = useMemo(() => parseView(new URLSearchParams(queryString)), [queryString]);
  const [suites, setSuites] = useState<Suite[] | null>(null);
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<string | null>(null);
  const firstRenderMeasured = useRef(false);
  const query = boardQuery(view);

  useEffect(() => {
    api<Suite[]>('/api/suites').then(setSuites, (e: Error) => setError(e.message));
  }, []);

  useEffect(() => {
    let cancelled = false;
    setError(null);
    fetch(`/api/leaderboard?${query}`)
      .then(async (res) => {
        const text = await res.text();
        if (!res.ok) throw new Error(`leaderboard: HTTP ${res.status}: ${text.slice(0, 200)}`);
        if (cancelled) return;
        performance.clearMarks(MARK_RESPONSE);
        performance.mark(MARK_RESPONSE);
        firstRenderMeasured.current = false;
        setBoard(JSON.parse(text) as Board);
      })
      .catch((e: Error) => !cancelled && setError(e.message));
    return () => {
      cancelled = true;
    };
  }, [query]);

  const suite = board?.suite ?? null;
  const { task, domain } = view;
  const scoreIds = useMemo(() => (suite ? scoreColumns(suite, task, domain) : []), [suite, task, domain]);
  const singleTask = suite?.tasks.some((t) => t.id === task) ? task : null;
  const subset = singleTask !== null || (domain !== null && (suite?.domains.includes(domain) ?? false));
  const allRows = useMemo(() => {
    if (!board) return [];
    const ordered = inTieOrder(board.rows);
    return subset ? restrictToTasks(ordered, scoreIds, singleTask) : ordered;
  }, [board, subset, scoreIds, singleTask]);
  const keys = useMemo(() => allRows.map(searchKey), [allRows]);
  // The search box filters on every keystroke; the URL follows once typing pauses, because
  // history.replaceState per keystroke costs more than the filtering and rendering together.
  const [search, setSearch] = useState(view.search);
  const urlSearch = useRef(view.search);
  const searchWrite = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (view.search !== urlSearch.current) {
      urlSearch.current = view.search;
      setSearch(view.search);
    }
  }, [view.search]);
  useEffect(() => () => window.clearTimeout(searchWrite.current), []);
  const onSearch = (value: string) => {
    performance.mark(MARK_KEYSTROKE);
    setSearch(value);
    window.clearTimeout(searchWrite.current);
    searchWrite.current = window.setTimeout(() => {
      urlSearch.current = value;
      setParams({ search: value || null });
    }, SEARCH_URL_DELAY_MS);
  };
  const current = useMemo(() => ({ ...view, search }), [view, search]);
  const rows = useMemo(() => filterRows(allRows, keys, current), [allRows, keys, current]);
  const precisions = useMemo(
    () => [...new Set(board?.rows.flatMap((r) => (r.precision === null ? [] : [r.precision])))].sort(),
    [board],
  );

  const activeFilters =
    view.types.length +
    view.openness.length +
    view.precisions.length +
    (view.chatTemplate === null ? 0 : 1) +
    (view.mode === null ? 0 : 1) +
    (view.picks ? 1 : 0) +
    (view.standardOnly ? 0 : 1) +
    (view.paramsMin === null && view.paramsMax === null ? 0 : 1);

  const update = (patch: Partial<BoardView>) => setParams(viewToParams({ ...current, ...patch }));
  // One identity for the filter panel's callback, so a search keystroke does not re-render the panel.
  const latestUpdate = useRef(update);
  latestUpdate.current = update;
  const stableUpdate = useCallback((patch: Partial<BoardView>) => latestUpdate.current(patch), []);
  // Called after every commit of the table: the end of both measured spans.
  const onRendered = () => {
    if (!firstRenderMeasured.current && board) {
      firstRenderMeasured.current = true;
      performance.measure('board:first-render', MARK_RESPONSE);
    }
    if (performance.getEntriesByName(MARK_KEYSTROKE, 'mark').length > 0) {
      performance.measure('board:search-render', MARK_KEYSTROKE);
      performance.clearMarks(MARK_KEYSTROKE);
    }
  };

  const allColumns = [
    ...META_COLUMNS,
    ...(suite?.tasks.filter((t) => scoreIds.includes(t.id)).map((t) => ({ id: t.id, label: t.name })) ?? []),
  ];
  const toggleHidden = (id: string) =>
    update({ hidden: view.hidden.includes(id) ? view.hidden.filter((h) => h !== id) : [...view.hidden, id] });

  return (
    <section aria-labelledby="board-title">
      <h1 id="board-title">Leaderboard</h1>
      <div className="toolbar">
        <label className="search">
          <span>Search models</span>
          <input type="search" value={search} placeholder="e.g. qwen" onChange={(e) => onSearch(e.target.value)} />
        </label>
        <label>
          <span>Suite</span>
          <select
            value={view.suite ?? suites?.[0]?.id ?? ''}
            onChange={(e) => update({ suite: e.target.value, task: null, domain: null })}
          >
            {(suites ?? (suite ? [suite] : [])).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Domain</span>
          <select
            value={view.domain ?? ''}
            onChange={(e) => update({ domain: e.target.value || null, task: null, ...keepSortOnTasks(view, suite) })}
          >
            <option value="">all domains</option>
            {(suite?.domains ?? []).map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Task</span>
          <select
            value={view.task ?? ''}
            onChange={(e) => update({ task: e.target.value || null, ...keepSortOnTasks(view, suite) })}
          >
            <option value="">all tasks</option>
            {(suite?.tasks ?? [])
              .filter((t) => !view.domain || t.domain === view.domain)
              .map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
          </select>
        </label>
        <fieldset className="segmented">
          <legend>Scores</legend>
          <label>
            <input type="radio" name="scale" checked={view.normalised} onChange={() => update({ normalised: true })} />
            normalised
          </label>
          <label>
            <input
              type="radio"
              name="scale"
              checked={!view.normalised}
              onChange={() => update({ normalised: false })}
            />
            raw
          </label>
        </fieldset>
      </div>
      <details className="filter-panel" open={wideScreen}>
        <summary>Filters{activeFilters > 0 ? ` (${activeFilters} active)` : ''}</summary>
        <Filters view={view} precisions={precisions} onChange={stableUpdate} />
      </details>
      <div className="toolbar">
        <details className="columns">
          <summary>Columns</summary>
          <div className="column-list">
            {allColumns.map((c) => (
              <label key={c.id}>
                <input type="checkbox" checked={!view.hidden.includes(c.id)} onChange={() => toggleHidden(c.id)} />
                {c.label}
              </label>
            ))}
          </div>
        </details>
        <a className="button" href={`/api/leaderboard/export?${exportQuery(current, 'csv')}`} download>
          Export CSV
        </a>
        <a className="button" href={`/api/leaderboard/export?${exportQuery(current, 'json')}`} download>
          Export JSON
        </a>
        <output className="count" aria-live="polite" data-testid="row-count">
          {board
            ? `${rows.length.toLocaleString('en')} of ${board.rows.length.toLocaleString('en')} models`
            : 'Loading…'}
        </output>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {board && suite && (
        <BoardTable
          suite={suite}
          rows={rows}
          scoreIds={scoreIds}
          normalised={view.normalised}
          sort={view.sort}
          order={view.order}
          hidden={view.hidden}
          onSort={(sort, order) => update({ sort, order })}
          onRendered={onRendered}
        />
      )}
    </section>
  );
}

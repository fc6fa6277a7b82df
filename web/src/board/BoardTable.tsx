import {
  type ColumnDef,
  type ReactTable,
  type Row,
  type ColumnVisibilityState,
  columnVisibilityFeature,
  createSortedRowModel,
  rowSortingFeature,
  type SortingState,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import { memo, type UIEvent, useLayoutEffect, useMemo, useState } from 'react';
import type { BoardRow, Suite } from '../api.ts';
import { Link } from '../router.tsx';
import { formatParams } from './format.ts';
import { ScoreCell } from './ScoreCell.tsx';

const features = tableFeatures({ rowSortingFeature, columnVisibilityFeature, sortedRowModel: createSortedRowModel() });
type Features = typeof features;

export const ROW_HEIGHT = 36;
const OVERSCAN = 4;

/**
 * The service's order: values compared with < (numbers, or strings by code unit), missing values
 * (accessors return undefined for them, and sortUndefined puts them) last in both directions, ties
 * in data order, which is submission id order (inTieOrder).
 */
function compare(
  a: { getValue: (id: string) => unknown },
  b: { getValue: (id: string) => unknown },
  id: string,
): number {
  const x = a.getValue(id) as number | string;
  const y = b.getValue(id) as number | string;
  return x < y ? -1 : x > y ? 1 : 0;
}
const orNone = <T,>(value: T | null | undefined): T | undefined => value ?? undefined;

export const META_COLUMNS: readonly { id: string; label: string }[] = [
  { id: 'type', label: 'Type' },
  { id: 'params_b', label: 'Params (B)' },
  { id: 'precision', label: 'Precision' },
  { id: 'submitted_at', label: 'Submitted' },
];

function buildColumns(suite: Suite, scoreIds: readonly string[], normalised: boolean): ColumnDef<Features, BoardRow>[] {
  const taskName = new Map(suite.tasks.map((t) => [t.id, t.name]));
  const columns: ColumnDef<Features, BoardRow>[] = [
    {
      id: 'model_id',
      header: 'Model',
      accessorFn: (row) => row.model_id,
      sortFn: compare,
      enableHiding: false,
      sortDescFirst: false,
      cell: ({ row }) => (
        <span className="model-cell">
          <Link href={`/models/${encodeURIComponent(row.original.model_id)}`}>{row.original.model_id}</Link>
          {row.original.pick && (
            <span className="badge pick" title="Maintainers' pick">
              pick
            </span>
          )}
          {!row.original.standard_setup && (
            <span className="badge nonstandard" title="Evaluated with a setup other than the suite's standard one">
              non-standard
            </span>
          )}
        </span>
      ),
    },
    { id: 'type', header: 'Type', accessorFn: (row) => row.type, sortFn: compare, sortDescFirst: false },
    {
      id: 'params_b',
      header: 'Params (B)',
      accessorFn: (row) => orNone(row.params_b),
      sortFn: compare,
      sortUndefined: 'last',
      cell: ({ row }) => formatParams(row.original.params_b),
      meta: { numeric: true },
    },
    {
      id: 'precision',
      header: 'Precision',
      accessorFn: (row) => orNone(row.precision),
      sortFn: compare,
      sortUndefined: 'last',
      sortDescFirst: false,
    },
    {
      id: 'average',
      header: 'Average',
      accessorFn: (row) => orNone(row.average),
      sortFn: compare,
      sortUndefined: 'last',
      cell: ({ row }) => (
        <ScoreCell score={{ value: row.original.average, ci_low: null, ci_high: null }} normalised={normalised} />
      ),
      meta: { numeric: true },
    },
  ];
  for (const id of scoreIds) {
    columns.push({
      id,
      header: taskName.get(id) ?? id,
      accessorFn: (row) => orNone(row.scores[id]?.value),
      sortFn: compare,
      sortUndefined: 'last',
      cell: ({ row }) => <ScoreCell score={row.original.scores[id]} normalised={normalised} />,
      meta: { numeric: true },
    });
  }
  columns.push({
    id: 'submitted_at',
    header: 'Submitted',
    accessorFn: (row) => orNone(row.submitted_at),
    sortFn: compare,
    sortUndefined: 'last',
  });
  return columns;
}

interface RowProps {
  row: Row<Features, BoardRow>;
  rowIndex: number;
  /** The visible columns, joined: with the row's data and the scale, all a row's cells depend on. */
  columnsKey: string;
  normalised: boolean;
  render: ReactTable<Features, BoardRow>['FlexRender'];
}

/**
 * One table row, re-rendered only when its data, position, columns or scale change: a search
 * keystroke then renders just the rows that came into view.
 */
const BoardRowView = memo(
  function BoardRowView({ row, rowIndex, render: FlexRender }: RowProps) {
    return (
      <tr data-model={row.original.model_id} aria-rowindex={rowIndex}>
        {row.getVisibleCells().map((cell) => {
          const numeric = (cell.column.columnDef.meta as { numeric?: boolean } | undefined)?.numeric;
          return cell.column.id === 'model_id' ? (
            <th key={cell.id} scope="row" className="sticky">
              <FlexRender cell={cell} />
            </th>
          ) : (
            <td key={cell.id} className={numeric ? 'num' : undefined} data-column={cell.column.id}>
              <FlexRender cell={cell} />
            </td>
          );
        })}
      </tr>
    );
  },
  (a, b) =>
    a.row.original === b.row.original &&
    a.rowIndex === b.rowIndex &&
    a.columnsKey === b.columnsKey &&
    a.normalised === b.normalised,
);

interface Props {
  suite: Suite;
  rows: BoardRow[];
  scoreIds: readonly string[];
  normalised: boolean;
  sort: string;
  order: 'asc' | 'desc';
  hidden: readonly string[];
  onSort: (sort: string, order: 'asc' | 'desc') => void;
  onRendered: () => void;
}

export function BoardTable({ suite, rows, scoreIds, normalised, sort, order, hidden, onSort, onRendered }: Props) {
  const columns = useMemo(() => buildColumns(suite, scoreIds, normalised), [suite, scoreIds, normalised]);
  const sorting = useMemo<SortingState>(() => [{ id: sort, desc: order === 'desc' }], [sort, order]);
  const columnVisibility = useMemo<ColumnVisibilityState>(
    () => Object.fromEntries(hidden.map((id) => [id, false])),
    [hidden],
  );
  const table = useTable({
    features,
    columns,
    data: rows,
    getRowId: (row) => String(row.submission_id),
    state: { sorting, columnVisibility },
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const first = next[0];
      if (first) onSort(first.id, first.desc ? 'desc' : 'asc');
      else onSort(sort, order === 'desc' ? 'asc' : 'desc');
    },
    onColumnVisibilityChange: () => {},
    enableSortingRemoval: false,
    enableMultiSort: false,
  });

  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(800);
  const sortedRows = table.getRowModel().rows;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(sortedRows.length, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const visible = sortedRows.slice(first, last);
  const visibleColumns = table.getVisibleLeafColumns();
  const columnsKey = visibleColumns.map((c) => c.id).join(',');

  useLayoutEffect(() => {
    onRendered();
  });

  const onScroll = (event: UIEvent<HTMLElement>) => {
    setScrollTop(event.currentTarget.scrollTop);
    setViewport(event.currentTarget.clientHeight);
  };

  return (
    <section
      className="board-scroll"
      onScroll={onScroll}
      aria-label="Leaderboard table, scrolls both ways"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (axe: scrollable-region-focusable)
      tabIndex={0}
    >
      <table className="board" aria-rowcount={sortedRows.length + 1}>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sorted = header.column.id === sort ? order : false;
                const numeric = (header.column.columnDef.meta as { numeric?: boolean } | undefined)?.numeric;
                return (
                  <th
                    key={header.id}
                    scope="col"
                    className={`${header.column.id === 'model_id' ? 'sticky' : ''} ${numeric ? 'num' : ''}`}
                    aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                  >
                    <button
                      type="button"
                      className="sort"
                      data-column={header.column.id}
                      onClick={header.column.getToggleSortingHandler()}
                    >
                      <table.FlexRender header={header} />
                      <span aria-hidden="true" className="sort-mark">
                        {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {first > 0 && (
            <tr className="spacer">
              <td colSpan={visibleColumns.length} style={{ height: first * ROW_HEIGHT }} />
            </tr>
          )}
          {visible.map((row, index) => (
            <BoardRowView
              key={row.id}
              row={row}
              rowIndex={first + index + 2}
              columnsKey={columnsKey}
              normalised={normalised}
              render={table.FlexRender}
            />
          ))}
          {last < sortedRows.length && (
            <tr className="spacer">
              <td colSpan={visibleColumns.length} style={{ height: (sortedRows.length - last) * ROW_HEIGHT }} />
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

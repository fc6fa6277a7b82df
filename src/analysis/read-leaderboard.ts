/**
 * Leaderboard tables (CSV, one row per model) into the same RunResults shape as results files:
 * each score column becomes a task with one metric, `score`.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';
import type { MetricValue, RunResults } from './read-results.ts';

export interface LeaderboardColumns {
  /** Column naming the model (default: the first of `model`, `fullname`, `Model`, `eval_name` present). */
  readonly model?: string;
  /** Column with the training step; rows where it is empty keep no step. */
  readonly step?: string;
  /** Score columns (default: every column whose cells are all numbers or empty, except model and step). */
  readonly scores?: readonly string[];
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function readLeaderboardCsv(file: string, columns: LeaderboardColumns = {}): RunResults[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file });
  }
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
  if (!header || rows.length === 0) throw new UserError('no header and rows', { file });
  const index = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new UserError(`no such column (columns: ${header.join(', ')})`, { file, field: name });
    return i;
  };
  const modelName = columns.model ?? ['model', 'fullname', 'Model', 'eval_name'].find((c) => header.includes(c));
  if (!modelName) throw new UserError('no model column; name one', { file, field: 'model' });
  const modelIndex = index(modelName);
  const stepIndex = columns.step === undefined ? -1 : index(columns.step);
  const scoreNames =
    columns.scores ??
    header.filter(
      (name, i) =>
        name !== '' && i !== modelIndex && i !== stepIndex && rows.every((r) => (r[i] ?? '') === '' || isNumber(r[i]!)),
    );
  const scoreIndexes = scoreNames.map(index);
  return rows.map((cells, r) => {
    const line = r + 2;
    if (cells.length !== header.length) {
      throw new UserError(`${cells.length} cells, header has ${header.length}`, { file, line });
    }
    const tasks = new Map<string, Map<string, MetricValue>>();
    scoreIndexes.forEach((i, k) => {
      const cell = cells[i]!;
      if (cell === '') return;
      if (!isNumber(cell))
        throw new UserError(`not a number: ${JSON.stringify(cell)}`, { file, line, field: scoreNames[k] });
      tasks.set(scoreNames[k]!, new Map([['score', { value: Number(cell) }]]));
    });
    const stepCell = stepIndex < 0 ? '' : cells[stepIndex]!;
    if (stepCell !== '' && !isNumber(stepCell)) {
      throw new UserError(`not a number: ${JSON.stringify(stepCell)}`, { file, line, field: columns.step });
    }
    return {
      file,
      format: 'leaderboard-csv' as const,
      model: cells[modelIndex]!,
      ...(stepCell === '' ? {} : { step: Number(stepCell) }),
      setting: '',
      tasks,
      groups: new Map(),
    };
  });
}

function isNumber(cell: string): boolean {
  return cell.trim() !== '' && Number.isFinite(Number(cell));
}

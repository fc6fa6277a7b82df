import { UserError } from '../errors.ts';
import { decodeUtf8, positionOfIndex, readDataFile } from './read-file.ts';
import type { Doc, LoadedRows } from './types.ts';

/** JSON Lines: one object per line; blank lines are skipped (HF's json builder ignores them too). */
export function parseJsonl(text: string, file: string): Doc[] {
  const rows: Doc[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new UserError(`bad JSON on line ${i + 1}: ${(e as Error).message}`, { file, line: i + 1 });
    }
    if (!isRecord(value)) throw new UserError(`line ${i + 1} is not a JSON object`, { file, line: i + 1 });
    rows.push(value);
  }
  return rows;
}

export interface JsonOptions {
  /** Take the records from this top-level key (HF's `field=`), e.g. "examples" for BBH files. */
  readonly field?: string;
}

/**
 * A JSON document holding records: an array of objects, or an object of equal-length
 * columns (`{"question": [...], "answer": [...]}`), optionally under `field`.
 */
export function parseJsonDocument(text: string, file: string, options: JsonOptions = {}): Doc[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    const where = positionOfIndex(text, at ? Number(at[1]) : jsonErrorOffset(text));
    throw new UserError(`bad JSON${where ? ` at line ${where.line}` : ''}: ${message}`, { file, ...where });
  }
  if (options.field !== undefined) {
    if (!isRecord(value) || !(options.field in value)) {
      throw new UserError(`JSON has no top-level field "${options.field}"`, { file });
    }
    value = value[options.field];
  }
  if (Array.isArray(value)) {
    value.forEach((row, i) => {
      if (!isRecord(row)) throw new UserError(`record ${i} is not a JSON object`, { file });
    });
    return value as Doc[];
  }
  if (isRecord(value)) return columnsToRows(value, file);
  throw new UserError('JSON must be an array of records or an object of columns', { file });
}

function columnsToRows(columns: Record<string, unknown>, file: string): Doc[] {
  const names = Object.keys(columns);
  const lengths = new Set(names.map((n) => (Array.isArray(columns[n]) ? (columns[n] as unknown[]).length : -1)));
  if (names.length === 0 || lengths.has(-1) || lengths.size !== 1) {
    throw new UserError(
      'JSON object is not a table of equal-length column arrays',
      { file },
      'set dataset_kwargs.field',
    );
  }
  const count = [...lengths][0]!;
  const rows: Doc[] = [];
  for (let i = 0; i < count; i++) {
    rows.push(Object.fromEntries(names.map((n) => [n, (columns[n] as unknown[])[i]])));
  }
  return rows;
}

export async function readJsonl(path: string): Promise<LoadedRows> {
  const { bytes, sha256 } = await readDataFile(path);
  const rows = parseJsonl(decodeUtf8(bytes, path), path);
  return { rows, sources: { [path]: { sha256, rows: rows.length } } };
}

export async function readJson(path: string, options: JsonOptions = {}): Promise<LoadedRows> {
  const { bytes, sha256 } = await readDataFile(path);
  const rows = parseJsonDocument(decodeUtf8(bytes, path), path, options);
  return { rows, sources: { [path]: { sha256, rows: rows.length } } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Offset of the first JSON syntax error. V8 only sometimes puts a position in its message, and
 * a file-level error must still name a line.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const space = () => {
    while (/[ \t\n\r]/.test(text[i] ?? '')) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    space();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (close === '}') {
          space();
          if (text[i] !== '"') fail();
          value();
          space();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === close) {
          i++;
          return;
        } else fail();
      }
    }
    if (ch === '"') {
      for (i++; text[i] !== '"'; i++) {
        if (i >= text.length || text[i] === '\n') fail();
        if (text[i] === '\\') i++;
      }
      i++;
      return;
    }
    const literal = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (!literal) fail();
    i += literal![0].length;
  };
  try {
    value();
    space();
    return i;
  } catch (offset) {
    return offset as number;
  }
}

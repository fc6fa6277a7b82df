import { UserError } from '../errors.ts';
import type { Doc } from '../task/types.ts';
import { decodeUtf8, readDataFile } from './read-file.ts';
import type { LoadedRows } from './types.ts';

export interface CsvOptions {
  /** Field separator: "," for CSV, "\t" for TSV. */
  readonly delimiter?: string;
  /** First record holds the column names (default true). */
  readonly header?: boolean;
  /** Column names for headerless files (required when header is false). */
  readonly columns?: readonly string[];
  /**
   * Type whole columns like pandas (what HF's csv builder uses): a column whose non-empty cells
   * are all integers becomes numbers, likewise floats; empty cells become null.
   * Off by default: Python's csv module (HF loading scripts such as MMLU's) keeps strings.
   */
  readonly inferTypes?: boolean;
}

interface CsvRecord {
  readonly fields: string[];
  /** 1-based line where the record starts. */
  readonly line: number;
}

/**
 * RFC 4180 records with Python csv-module leniency: a quote only opens a quoted field at the
 * start of a field, and text after a closing quote is appended to the field (as Python's default
 * `strict=False` dialect does). Blank lines are skipped, as csv.DictReader does.
 */
export function parseCsvRecords(text: string, file: string, delimiter = ','): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoteLine = 0;
  let inQuotes = false;
  let atFieldStart = true;
  let recordHasContent = false;
  const endRecord = () => {
    if (recordHasContent || fields.length > 0) records.push({ fields: [...fields, field], line: recordLine });
    fields = [];
    field = '';
    atFieldStart = true;
    recordHasContent = false;
    recordLine = line;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && atFieldStart) {
      inQuotes = true;
      quoteLine = line;
      atFieldStart = false;
      recordHasContent = true;
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
      atFieldStart = true;
      recordHasContent = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      line++;
      endRecord();
    } else {
      field += ch;
      atFieldStart = false;
      recordHasContent = true;
    }
  }
  if (inQuotes) throw new UserError(`unterminated quote at line ${quoteLine}`, { file, line: quoteLine });
  endRecord();
  return records;
}

export function parseCsv(text: string, file: string, options: CsvOptions = {}): Doc[] {
  const records = parseCsvRecords(text, file, options.delimiter ?? ',');
  const header = options.header ?? true;
  let columns: readonly string[];
  let body: CsvRecord[];
  if (header) {
    const first = records[0];
    if (!first) return [];
    columns = options.columns ?? first.fields;
    body = records.slice(1);
  } else {
    if (!options.columns) throw new UserError('a headerless CSV needs column names', { file });
    columns = options.columns;
    body = records;
  }
  const rows = body.map((record) => {
    if (record.fields.length > columns.length) {
      throw new UserError(`line ${record.line} has ${record.fields.length} fields, expected ${columns.length}`, {
        file,
        line: record.line,
      });
    }
    // Short records get null for the missing cells, like csv.DictReader's restval=None.
    return Object.fromEntries(columns.map((name, i) => [name, record.fields[i] ?? null])) as Record<string, unknown>;
  });
  if (options.inferTypes) inferColumnTypes(rows, columns);
  return rows;
}

function inferColumnTypes(rows: Record<string, unknown>[], columns: readonly string[]): void {
  const isInt = (s: string) => /^[+-]?\d+$/.test(s.trim());
  const isFloat = (s: string) => /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|nan)$/i.test(s.trim());
  for (const column of columns) {
    const cells = rows.map((r) => r[column]).filter((v): v is string => typeof v === 'string' && v !== '');
    const kind = cells.length === 0 ? 'string' : cells.every(isInt) ? 'int' : cells.every(isFloat) ? 'float' : 'string';
    for (const row of rows) {
      const v = row[column];
      if (v === '' || v === null) row[column] = null;
      else if (kind !== 'string' && typeof v === 'string') row[column] = Number(v.trim());
    }
  }
}

export async function readCsv(path: string, options: CsvOptions = {}): Promise<LoadedRows> {
  const { bytes, sha256 } = await readDataFile(path);
  const rows = parseCsv(decodeUtf8(bytes, path), path, options);
  return { rows, sources: { [path]: { sha256, rows: rows.length } } };
}

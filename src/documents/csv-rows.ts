import { UserError } from '../errors.ts';
import { decodeUtf8, readDataFile } from './read-file.ts';
import type { Doc, LoadedRows } from './types.ts';

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
  // Fields are sliced out of `text` between special characters rather than built a character
  // at a time: the per-character concatenation dominated loading MMLU's 14k rows.
  const delimiterCode = delimiter.length === 1 ? delimiter.charCodeAt(0) : -1;
  let fields: string[] = [];
  let field = '';
  let segmentStart = 0;
  let line = 1;
  let recordLine = 1;
  let quoteLine = 0;
  let inQuotes = false;
  let atFieldStart = true;
  let recordHasContent = false;
  const endRecord = () => {
    if (recordHasContent || fields.length > 0) {
      fields.push(field);
      records.push({ fields, line: recordLine });
    }
    fields = [];
    field = '';
    atFieldStart = true;
    recordHasContent = false;
    recordLine = line;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inQuotes) {
      if (ch === QUOTE) {
        field += text.slice(segmentStart, i);
        // A doubled quote is one literal quote; a single one closes the quoted part.
        if (text.charCodeAt(i + 1) === QUOTE) {
          field += '"';
          i++;
        } else inQuotes = false;
        segmentStart = i + 1;
      } else if (ch === LF) line++;
      continue;
    }
    if (ch === QUOTE && atFieldStart) {
      inQuotes = true;
      quoteLine = line;
      atFieldStart = false;
      recordHasContent = true;
      segmentStart = i + 1;
    } else if (ch === delimiterCode) {
      fields.push(field + text.slice(segmentStart, i));
      field = '';
      atFieldStart = true;
      recordHasContent = true;
      segmentStart = i + 1;
    } else if (ch === LF || ch === CR) {
      field += text.slice(segmentStart, i);
      if (ch === CR && text.charCodeAt(i + 1) === LF) i++;
      line++;
      endRecord();
      segmentStart = i + 1;
    } else {
      atFieldStart = false;
      recordHasContent = true;
    }
  }
  if (inQuotes) throw new UserError(`unterminated quote at line ${quoteLine}`, { file, line: quoteLine });
  field += text.slice(segmentStart);
  endRecord();
  return records;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

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
  // Assigning "__proto__" would set the prototype; fromEntries defines it as a plain key.
  const protoColumn = columns.includes('__proto__');
  const rows = body.map((record) => {
    if (record.fields.length > columns.length) {
      throw new UserError(`line ${record.line} has ${record.fields.length} fields, expected ${columns.length}`, {
        file,
        line: record.line,
      });
    }
    // Short records get null for the missing cells, like csv.DictReader's restval=None.
    if (protoColumn) return Object.fromEntries(columns.map((name, i) => [name, record.fields[i] ?? null]));
    const row: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) row[columns[i]!] = record.fields[i] ?? null;
    return row;
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

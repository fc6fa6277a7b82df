import { readFileSync } from 'node:fs';
import { parseCsv } from '../documents/csv-rows.ts';
import { parseJsonDocument, parseJsonl } from '../documents/json-rows.ts';
import type { Doc } from '../documents/types.ts';
import { UserError } from '../errors.ts';

function readText(path: string, field: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      file: path,
      field,
    });
  }
}

/** JSON Lines, a JSON array of records, or a CSV with a header, by content and extension. */
export function readRecords(path: string, field: string): Doc[] {
  const text = readText(path, field);
  if (/\.csv$/i.test(path)) return parseCsv(text, path);
  if (text.trimStart().startsWith('[')) return parseJsonDocument(text, path);
  return parseJsonl(text, path);
}

export function stringField(row: Doc, key: string, file: string, index: number): string {
  const value = row[key];
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string')
    throw new UserError(`record ${index + 1} has no text field "${key}"`, { file, field: key });
  return value;
}

export function numberField(row: Doc, key: string, file: string, index: number): number {
  const value = typeof row[key] === 'string' ? Number(row[key]) : row[key];
  if (typeof value !== 'number' || Number.isNaN(value))
    throw new UserError(`record ${index + 1} has no number in "${key}"`, { file, field: key });
  return value;
}

/** Unicode code points, as Python's len() counts them. */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

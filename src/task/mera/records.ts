import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonl } from '../../documents/json-rows.ts';
import { decodeUtf8, readDataFile } from '../../documents/read-file.ts';
import type { Doc, SourceFile } from '../../documents/types.ts';
import { UserError } from '../../errors.ts';
import { PythonFormatError, pythonFormat } from '../../python/str-format.ts';

/**
 * One record of MERA's dataset (MERA-evaluation/MERA, data/<task>/<split>.jsonl): a prompt
 * template in Python str.format syntax, what fills it, the gold answer (empty in closed test sets)
 * and meta with the item's id.
 */
export interface MeraRecord {
  readonly instruction: string;
  readonly inputs: string | Readonly<Record<string, unknown>>;
  readonly outputs: unknown;
  readonly meta: Readonly<Record<string, unknown>> & { readonly id?: number };
}

export const asRecord = (doc: Doc): MeraRecord => doc as unknown as MeraRecord;

/** "meta.id 12" (ruTiE: "dialog 0, question 3"): how errors name a record. */
export function recordLabel(record: MeraRecord): string {
  const { id, dialog_id, question_id } = record.meta;
  if (id !== undefined) return `meta.id ${id}`;
  return `dialog ${String(dialog_id)}, question ${String(question_id)}`;
}

/**
 * `template.format(**fields)` with Python's semantics; what Python would raise becomes a UserError
 * naming the task, the record and the key or brace, since the template comes with the data.
 */
export function formatFor(task: string, record: MeraRecord, template: string, fields: Record<string, unknown>): string {
  try {
    return pythonFormat(template, fields);
  } catch (e) {
    if (!(e instanceof PythonFormatError)) throw e;
    const what =
      e.pythonType === 'KeyError'
        ? `its instruction uses {${e.key}}, which inputs lack (inputs: ${Object.keys(fields).join(', ') || 'none'})`
        : `its instruction is not a valid Python format string (${e.message})`;
    throw new UserError(
      `task ${task}, ${recordLabel(record)}: ${what}`,
      { field: 'instruction' },
      'write a literal brace as {{ or }}',
    );
  }
}

/** The fields an instruction is filled with: inputs as keywords, or a string input as {inputs}. */
export function inputFields(record: MeraRecord): Record<string, unknown> {
  return typeof record.inputs === 'string' ? { inputs: record.inputs } : { ...record.inputs };
}

/** Where a task's files are: <dir>/<task>/ or <dir>/data/<task>/ (a MERA checkout's layout). */
export function taskFolder(dataDir: string, task: string): string | undefined {
  return [join(dataDir, task), join(dataDir, 'data', task)].find((d) => existsSync(join(d, 'test.jsonl')));
}

/** A split's records, checked field by field (line numbers in errors). */
export async function readRecords(file: string): Promise<{ readonly records: Doc[]; readonly source: SourceFile }> {
  const { bytes, sha256 } = await readDataFile(file);
  const rows = parseJsonl(decodeUtf8(bytes, file), file);
  const lines = lineNumbers(bytes.toString('utf8'));
  rows.forEach((row, i) => {
    const at = { file, line: lines[i] ?? i + 1 };
    if (typeof row.instruction !== 'string')
      throw new UserError(
        'instruction must be a string',
        { ...at, field: 'instruction' },
        'MERA records are {instruction, inputs, outputs, meta}',
      );
    const inputs = row.inputs;
    if (typeof inputs !== 'string' && (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)))
      throw new UserError('inputs must be a string or an object', { ...at, field: 'inputs' });
    if (!('outputs' in row))
      throw new UserError('outputs is missing (closed test sets have "")', { ...at, field: 'outputs' });
    const meta = row.meta;
    if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
      throw new UserError('meta must be an object with the item id', { ...at, field: 'meta' });
  });
  return { records: rows, source: { sha256, rows: rows.length } };
}

/** The line each non-blank line of a JSONL text is on. */
function lineNumbers(text: string): number[] {
  return text.split('\n').flatMap((line, i) => (line.trim() === '' ? [] : [i + 1]));
}

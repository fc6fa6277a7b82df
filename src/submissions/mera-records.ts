/**
 * Reading one MERA task file ({"data": {"test": [record, ...]}}) the way the website validates it,
 * and the errors it reports, each with the task, the record and what is wrong.
 */

/** The website's error types (scoring-configs/errors_comments.yaml), plus three this scorer adds. */
export type MeraErrorType =
  | 'no_task'
  | 'extension'
  | 'unreadable_file'
  | 'no_data_field'
  | 'no_split'
  | 'no_outputs_field_for_doc'
  | 'no_meta_field_for_doc'
  | 'no_id_field_for_doc'
  | 'no_id'
  | 'doc_output_type_error'
  | 'doc_parse_output_error'
  /** Stricter than the website, which silently ignores ids it does not know. */
  | 'unknown_id'
  /** Stricter than the website, which lets a later record overwrite an earlier one. */
  | 'duplicate_id'
  /** Two files in the archive with the task's name: the website's pick between them is unspecified. */
  | 'duplicate_file';

export interface SubmissionError {
  readonly task: string;
  readonly type: MeraErrorType;
  /** The record's id (ruTiE: `dialog_id:X;question_id:Y`), where the error is about one. */
  readonly id?: string | number;
  /** The record's index in data.test, where it has no usable id. */
  readonly example_number?: number;
  readonly message: string;
}

export interface MeraRecord {
  /** The id as the website keys it: a number stays a number, so 61 and "61" differ. */
  readonly key: string;
  readonly id: string | number;
  readonly outputs: unknown;
  readonly meta: Record<string, unknown>;
  readonly inputs: unknown;
}

export type ParsedTaskFile =
  | { readonly ok: true; readonly records: readonly MeraRecord[] }
  | { readonly ok: false; readonly errors: readonly SubmissionError[] };

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** What a JSON value is, as the type check and its error messages name it. */
export function jsonKind(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'list';
  if (typeof x === 'object') return 'object';
  return typeof x;
}

function idKey(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/**
 * Records of a task file that parsed as JSON, or every structural error in it. `dialogIds`: records are
 * keyed by meta.dialog_id and meta.question_id (ruTiE), and a list of dialogs (v1.1) is read flat.
 */
export function parseTaskRecords(task: string, fileName: string, json: unknown, dialogIds: boolean): ParsedTaskFile {
  const fail = (type: MeraErrorType, message: string): ParsedTaskFile => ({
    ok: false,
    errors: [{ task, type, message }],
  });
  if (!isObject(json) || !('data' in json)) {
    const found = isObject(json) ? `keys ${JSON.stringify(Object.keys(json))}` : `a ${jsonKind(json)}`;
    return fail('no_data_field', `${fileName} has no "data" field (found ${found}); write {"data": {"test": [...]}}`);
  }
  const data = json.data;
  if (!isObject(data) || !('test' in data)) {
    const found = isObject(data) ? `keys ${JSON.stringify(Object.keys(data))}` : `a ${jsonKind(data)}`;
    return fail('no_split', `${fileName} has no "data.test" field (found ${found}); the split must be named test`);
  }
  const split = data.test;
  if (!Array.isArray(split)) {
    return fail('no_split', `${fileName}: data.test is a ${jsonKind(split)}, not a list of records`);
  }
  const list: unknown[] = dialogIds && split.some((r) => Array.isArray(r)) ? split.flat() : split;

  const errors: SubmissionError[] = [];
  const records: MeraRecord[] = [];
  const seen = new Set<string>();
  list.forEach((record: unknown, index: number) => {
    const at = `${fileName} record #${index} (position in data.test, not an id)`;
    if (!isObject(record) || !('outputs' in record)) {
      errors.push({ task, type: 'no_outputs_field_for_doc', example_number: index, message: `${at} has no "outputs"` });
    }
    const meta = isObject(record) ? record.meta : undefined;
    if (!isObject(meta)) {
      errors.push({
        task,
        type: 'no_meta_field_for_doc',
        example_number: index,
        message: `${at} has no "meta" object`,
      });
      return;
    }
    let id: string | number;
    if (dialogIds) {
      if (!('dialog_id' in meta) || !('question_id' in meta)) {
        const message = `${at} has no meta.dialog_id and meta.question_id`;
        errors.push({ task, type: 'no_id_field_for_doc', example_number: index, message });
        return;
      }
      id = `dialog_id:${String(meta.dialog_id)};question_id:${String(meta.question_id)}`;
    } else {
      const raw = meta.id;
      if (raw === undefined) {
        errors.push({ task, type: 'no_id_field_for_doc', example_number: index, message: `${at} has no meta.id` });
        return;
      }
      id = typeof raw === 'number' || typeof raw === 'string' ? raw : idKey(raw);
    }
    const key = dialogIds ? String(id) : idKey(id);
    if (seen.has(key)) {
      errors.push({ task, type: 'duplicate_id', id, message: `${fileName}: id ${key} appears more than once` });
      return;
    }
    seen.add(key);
    if (isObject(record) && 'outputs' in record) {
      records.push({ key, id, outputs: record.outputs, meta, inputs: record.inputs });
    }
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, records };
}

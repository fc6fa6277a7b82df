import { pythonFloatRepr } from './repr.ts';

/** Where a number sits in the value being dumped: keys and indices from the top. */
export type JsonPath = readonly (string | number)[];

export interface PythonJsonOptions {
  /** json.dumps(indent=N): one item per line, separators "," and ": "; without it ", " and ": ". */
  readonly indent?: number;
  /**
   * Numbers Python holds as floats though their value is whole (lm-eval's `temperature`, a 1.0
   * accuracy): JavaScript has one number type, so the caller says where Python would write `1.0`.
   * Numbers with a fraction are always written as floats.
   */
  readonly isFloat?: (path: JsonPath) => boolean;
  /** Python writes NaN/Infinity (not JSON); false writes null, as JSON.stringify does, so JSON readers still parse the line. */
  readonly allowNan?: boolean;
}

/**
 * Python's `json.dumps(value, ensure_ascii=False)` (with `indent` when given): the text lm-eval
 * hashes into `doc_hash` and writes into its files. Differs from JSON.stringify in the separators
 * (", " without indent), float formatting (`5.0`, `1e-05`, `1e+16`) and NaN/Infinity. Strings are
 * escaped as JSON.stringify escapes them, which matches Python with ensure_ascii=False (both escape
 * `"`, `\\` and the control characters, the same short forms, lowercase `\u00XX`). Keys with an
 * undefined value are left out, as JSON.stringify leaves them out.
 */
export function pythonJsonDumps(value: unknown, options: PythonJsonOptions = {}): string {
  const { indent, isFloat, allowNan = true } = options;
  const path: (string | number)[] = [];
  const number = (x: number): string => {
    if (!Number.isFinite(x)) {
      if (!allowNan) return 'null';
      return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
    }
    if (Number.isInteger(x) && !Object.is(x, -0) && !(isFloat?.(path) ?? false)) return String(x);
    return pythonFloatRepr(x);
  };
  const dump = (v: unknown, depth: number): string => {
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function')
      v = (v as { toJSON: () => unknown }).toJSON();
    if (v === null || v === undefined || typeof v === 'function' || typeof v === 'symbol') return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return number(v);
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'string') return JSON.stringify(v);
    const items: string[] = [];
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        path.push(i);
        items.push(dump(item, depth + 1));
        path.pop();
      });
      return wrap('[', ']', items, depth);
    }
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      path.push(k);
      items.push(`${JSON.stringify(k)}: ${dump(item, depth + 1)}`);
      path.pop();
    }
    return wrap('{', '}', items, depth);
  };
  const wrap = (open: string, close: string, items: readonly string[], depth: number): string => {
    if (items.length === 0) return open + close;
    if (indent === undefined) return `${open}${items.join(', ')}${close}`;
    const inner = `\n${' '.repeat(indent * (depth + 1))}`;
    return `${open}${inner}${items.join(`,${inner}`)}\n${' '.repeat(indent * depth)}${close}`;
  };
  return dump(value, 0);
}

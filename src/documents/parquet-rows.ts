import { parquetReadObjects } from 'hyparquet';
import { UserError } from '../errors.ts';
import { readDataFile } from './read-file.ts';
import type { Doc, LoadedRows } from './types.ts';

/** Parquet rows as plain objects, in file order (row groups in order). */
export async function parseParquet(bytes: Uint8Array, file: string): Promise<Doc[]> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  try {
    const rows = await parquetReadObjects({ file: buffer });
    return rows.map((row) => plainValue(row) as Doc);
  } catch (e) {
    throw new UserError(`parquet unreadable: ${(e as Error).message}`, { file });
  }
}

export async function readParquet(path: string): Promise<LoadedRows> {
  const { bytes, sha256 } = await readDataFile(path);
  const rows = await parseParquet(bytes, path);
  return { rows, sources: { [path]: { sha256, rows: rows.length } } };
}

/**
 * hyparquet gives INT64 columns as BigInt; HF/Python sees plain ints, and templates and
 * JSON reports need numbers. Values past 2^53 stay BigInt rather than silently rounding.
 */
function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
  if (Array.isArray(value)) return value.map(plainValue);
  if (ArrayBuffer.isView(value) && !(value instanceof Uint8Array))
    return Array.from(value as unknown as ArrayLike<unknown>, plainValue);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainValue(v)]));
  }
  return value;
}

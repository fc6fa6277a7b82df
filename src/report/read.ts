import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { UserError } from '../errors.ts';
import { pythonJsonDumps } from '../python/json.ts';
import { pythonFloatRepr, pythonStr } from '../python/repr.ts';
import { sha256Hex } from './hashes.ts';
import { REDACTED_PREFIX } from './samples.ts';
import {
  READABLE_SCHEMA_VERSIONS,
  REPORT_SCHEMA_VERSION,
  type ResultsReport,
  resultsReportSchema,
  type SampleRow,
  sampleRowSchema,
} from './schema.ts';

/** Reads and validates a results file; errors name the file and the first field that is wrong. */
export function readResultsFile(path: string): ResultsReport {
  return parseResults(parseJson(readText(path, 'results'), path), path);
}

/**
 * Validates a parsed results file. The schema version is checked first, so a file from another
 * version of the format gets that one message rather than a list of differing fields. A version 1
 * file reads as it is (version 2 only added keys to the results file and changed the samples rows).
 */
export function parseResults(json: unknown, file?: string): ResultsReport {
  const where = { ...(file !== undefined ? { file } : {}) };
  const version = (json as { evalboard?: { schema_version?: unknown } } | null)?.evalboard?.schema_version;
  if (typeof version !== 'number' || !READABLE_SCHEMA_VERSIONS.includes(version))
    throw new UserError(
      version === undefined
        ? 'missing: not an evalboard results file'
        : `${JSON.stringify(version)} is not a version this evalboard reads (${READABLE_SCHEMA_VERSIONS.join(', ')})`,
      { ...where, field: 'evalboard.schema_version' },
      'use the evalboard that wrote the file (its version is in config.evalboard_version)',
    );
  const current =
    version === REPORT_SCHEMA_VERSION
      ? json
      : {
          ...(json as object),
          evalboard: { ...(json as { evalboard: object }).evalboard, schema_version: REPORT_SCHEMA_VERSION },
        };
  return validated(resultsReportSchema, current, where, 'results');
}

/**
 * Reads and validates a samples JSONL file; errors name the file, the line and the field. Rows
 * written by schema version 1 (no `evalboard` key) are returned in the current shape.
 */
export function readSamplesFile(path: string): SampleRow[] {
  const lines = readText(path, 'samples').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((text, i) => {
    const where = { file: path, line: i + 1 };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new UserError(`not a JSON line: ${(e as Error).message}`, where);
    }
    return validated(sampleRowSchema, upgradeSampleRow(json), where, 'samples row');
  });
}

const V1_EXTRAS = ['reasoning_tokens', 'unterminated_reasoning', 'details'] as const;

/**
 * A version 1 row held typed values in lm-eval's fields (`resps` [[-1.5, false]], `target` 0) and
 * its extras at the top: they move under `evalboard`, and lm-eval's fields get the strings lm-eval
 * writes. Its `doc_hash` (sha256 of compact JSON) is recomputed as lm-eval's, so analyses pair
 * items across files of both versions. Anything else (a current row, not an object) is left as it is.
 */
function upgradeSampleRow(json: unknown): unknown {
  if (json === null || typeof json !== 'object' || Array.isArray(json) || 'evalboard' in json) return json;
  const row = json as Record<string, unknown>;
  if (isLmEvalRow(row)) return { ...row, evalboard: lmEvalTypedValues(row) };
  const resps = Array.isArray(row.resps) ? row.resps : [];
  const generative =
    V1_EXTRAS.slice(0, 2).some((k) => k in row) || resps.some((r) => Array.isArray(r) && typeof r[0] === 'string');
  // Per-choice pairs are already one entry per request; a generation or a single log-likelihood is one request's.
  const perRequest =
    !generative && Array.isArray(row.filtered_resps) && row.filtered_resps.every((f) => Array.isArray(f));
  const extras: Record<string, unknown> = { target: row.target, resps: row.resps, filtered_resps: row.filtered_resps };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (!(V1_EXTRAS as readonly string[]).includes(k)) out[k] = v;
  for (const k of V1_EXTRAS) if (k in row) extras[k] = row[k];
  out.target = pythonStr(row.target);
  out.resps = resps.map(legacyResponse);
  out.filtered_resps = perRequest ? legacyResponse(row.filtered_resps) : [legacyResponse(row.filtered_resps)];
  // A task that keeps its documents out of the files hashed the whole doc, which the row no longer has.
  if (row.doc !== undefined && !isRedacted(row.arguments))
    out.doc_hash = sha256Hex(pythonJsonDumps(row.doc, { indent: 2 }));
  out.target_hash = sha256Hex(out.target as string);
  out.evalboard = extras;
  return out;
}

/**
 * The doc_hash lm-eval would give a row: its own for current rows and rows lm-eval wrote, recomputed
 * for a version 1 evalboard row (which hashed compact JSON), so items pair across files of both.
 */
export function lmEvalDocHash(row: Record<string, unknown>): unknown {
  // Every evalboard row had responses; a row without them is some other tool's, its hash its own.
  const version1 =
    !('evalboard' in row) &&
    Array.isArray(row.resps) &&
    'filtered_resps' in row &&
    !isLmEvalRow(row) &&
    row.doc !== undefined &&
    !isRedacted(row.arguments);
  return version1 ? sha256Hex(pythonJsonDumps(row.doc, { indent: 2 })) : row.doc_hash;
}

/**
 * A row lm-eval itself wrote: every response a string and `filtered_resps` a list (a version 1
 * evalboard row had numbers in log-likelihood responses and a generation's filtered text bare).
 */
function isLmEvalRow(row: Record<string, unknown>): boolean {
  const leaves = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(leaves) : [v]);
  return (
    Array.isArray(row.resps) &&
    leaves(row.resps).every((x) => typeof x === 'string') &&
    Array.isArray(row.filtered_resps)
  );
}

/** The typed values of an lm-eval row, read back from its strings: log-likelihood pairs as [number, boolean]. */
function lmEvalTypedValues(row: Record<string, unknown>): Record<string, unknown> {
  const typed = (v: unknown): unknown =>
    Array.isArray(v) && v.length === 2 && (v[1] === 'True' || v[1] === 'False') && !Number.isNaN(Number(v[0]))
      ? [Number(v[0]), v[1] === 'True']
      : Array.isArray(v)
        ? v.map(typed)
        : v;
  const filtered = row.filtered_resps as unknown[];
  // A generation's arg_1 is its kwargs object; a log-likelihood's the continuation, a rolling one has none.
  const generation = Object.values(row.arguments ?? {}).some((a) => {
    const second = (a as { arg_1?: unknown }).arg_1;
    return typeof second === 'object' && second !== null;
  });
  return {
    target: row.target,
    resps: typed(row.resps),
    // evalboard holds one generation's filtered response bare, as its filters leave it.
    filtered_resps: generation && filtered.length === 1 ? filtered[0] : typed(filtered),
  };
}

function isRedacted(args: unknown): boolean {
  const first = (args as { gen_args_0?: { arg_0?: unknown } } | undefined)?.gen_args_0?.arg_0;
  return typeof first === 'string' && first.startsWith(REDACTED_PREFIX);
}

/** A version 1 response as lm-eval's sanitize_list writes it: log-likelihoods as floats. */
function legacyResponse(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(legacyResponse);
  return typeof value === 'number' ? pythonFloatRepr(value) : pythonStr(value);
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read ${what}: ${(e as Error).message}`, { file: path });
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`not JSON: ${(e as Error).message}`, { file });
  }
}

function validated<S extends z.ZodType>(
  schema: S,
  json: unknown,
  where: { readonly file?: string; readonly line?: number },
  what: string,
): z.infer<S> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const [first, ...rest] = parsed.error.issues;
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  throw new UserError(`${first!.message}${more}`, {
    ...where,
    field: first!.path.length > 0 ? fieldPath(first!.path) : `(the whole ${what})`,
  });
}

/** `evalboard.tasks.bps.truncated`, `config.argv[2]`. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
}

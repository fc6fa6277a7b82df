import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { UserError } from '../errors.ts';
import {
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
 * version of the format gets that one message rather than a list of differing fields.
 */
export function parseResults(json: unknown, file?: string): ResultsReport {
  const where = { ...(file !== undefined ? { file } : {}) };
  const version = (json as { evalboard?: { schema_version?: unknown } } | null)?.evalboard?.schema_version;
  if (version !== REPORT_SCHEMA_VERSION)
    throw new UserError(
      version === undefined
        ? 'missing: not an evalboard results file'
        : `${JSON.stringify(version)} is not the version this evalboard reads (${REPORT_SCHEMA_VERSION})`,
      { ...where, field: 'evalboard.schema_version' },
      'use the evalboard that wrote the file (its version is in config.evalboard_version)',
    );
  return validated(resultsReportSchema, json, where, 'results');
}

/** Reads and validates a samples JSONL file; errors name the file, the line and the field. */
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
    return validated(sampleRowSchema, json, where, 'samples row');
  });
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

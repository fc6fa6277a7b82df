import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type JsonPath, pythonJsonDumps } from '../python/json.ts';
import { sortKeys } from '../util/stable-json.ts';
import { parseResults } from './read.ts';
import type { ResultsReport } from './schema.ts';

/** Write to a temporary name, then rename: a crash never leaves a half-written file. */
export function writeFileAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** lm-eval's layout: <output>/<model name>/results_<timestamp>.json (+ samples_<task>_<timestamp>.jsonl). */
export function outputPaths(outputPath: string, modelName: string, timestamp: string) {
  const dir = outputPath.endsWith('.json') ? dirname(outputPath) : join(outputPath, sanitizeModelName(modelName));
  return {
    results: outputPath.endsWith('.json') ? outputPath : join(dir, `results_${timestamp}.json`),
    samples: (task: string) => join(dir, `samples_${task}_${timestamp}.jsonl`),
  };
}

/** lm-eval turns "org/model" into "org__model"; we also drop characters unsafe in file names. */
export function sanitizeModelName(name: string): string {
  return (
    name
      .replace(/\//g, '__')
      .replace(/[^A-Za-z0-9._=-]+/g, '_')
      .slice(0, 120) || 'model'
  );
}

/** "2026-11-26T07-31-43.123456", as lm-eval stamps its files. */
export function fileTimestamp(date: Date): string {
  return date.toISOString().replace('Z', '000').replace(/:/g, '-');
}

/**
 * lm-eval's make_table prints `results` and `groups` in their key order (a group, then its indented
 * subtasks), and `group_subtasks` has lm-eval's order: those keep the order they were built in.
 */
const ORDERED_SECTIONS = new Set(['results', 'groups', 'group_subtasks']);

/**
 * Numbers lm-eval's results file holds as Python floats, written `1.0` even when whole: metric
 * values and stderrs (make_table prints a float as "%.4f" and an int as it is), versions (YAML's
 * `version: 1.0`), `--limit` (a float option) and `date` (time.time()).
 */
function resultsFloat(path: JsonPath): boolean {
  const [top, , key] = path;
  if (top === 'results' || top === 'groups') return path.length === 3 && key !== 'alias';
  if (top === 'versions') return path.length === 2;
  return (top === 'config' && path[1] === 'limit' && path.length === 2) || (top === 'date' && path.length === 1);
}

/** The results file's text: keys sorted (but for the table-ordered sections), 2-space indent, Python's float formatting (NaN as null). */
export function resultsText(report: ResultsReport): string {
  const keepOrder = (at: readonly string[]) => at.length === 1 && ORDERED_SECTIONS.has(at[0]!);
  return pythonJsonDumps(sortKeys(report, [], keepOrder), { indent: 2, isFloat: resultsFloat, allowNan: false });
}

/**
 * Checks the file against the schema before writing it, as readers will see it (after JSON, where
 * NaN becomes null): a report that breaks its own contract is a bug to find here, not in a reader.
 */
export function writeResults(path: string, report: ResultsReport): void {
  const text = resultsText(report);
  parseResults(JSON.parse(text), path);
  writeFileAtomic(path, `${text}\n`);
}

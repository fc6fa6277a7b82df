/**
 * Samples JSONL (one row per document and filter) into per-item metric values, keyed by the
 * document's content hash so two runs line up item by item even when their doc ids differ.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.ts';
import { lmEvalDocHash } from '../report/read.ts';
import { isDirectory, isObject } from './read-results.ts';

export interface SampleItem {
  readonly docId: number;
  /** The dataset row, as logged (used by contamination checks). */
  readonly doc: unknown;
  /** metric (with `,filter` unless the filter is `none`) → the item's value. */
  readonly values: Map<string, number>;
}

export interface TaskSamples {
  readonly task: string;
  readonly file: string;
  /** item key (doc_hash, else `doc_id:N`) → item. */
  readonly items: Map<string, SampleItem>;
}

const SAMPLES_NAME = /^samples_(.+)_(\d{4}-\d{2}-\d{2}T[0-9.-]+)\.jsonl$/;
const RESULTS_NAME = /^results_(\d{4}-\d{2}-\d{2}T[0-9.-]+)\.json$/;

/** The task a samples file belongs to, from its lm-eval name `samples_<task>_<timestamp>.jsonl`. */
export function taskFromSamplesName(file: string): string {
  const match = SAMPLES_NAME.exec(basename(file));
  if (!match) throw new UserError('not a samples file name (expected samples_<task>_<timestamp>.jsonl)', { file });
  return match[1]!;
}

/**
 * The samples written with a results file (same folder, same timestamp). A samples file or a folder
 * of them may be given instead; a folder with several runs must be narrowed to one results file.
 */
export function samplesForInput(path: string): TaskSamples[] {
  if (isDirectory(path)) {
    const files = readdirSync(path).filter((f) => SAMPLES_NAME.test(f));
    const stamps = new Set(files.map((f) => SAMPLES_NAME.exec(f)![2]));
    if (stamps.size > 1)
      throw new UserError('samples from several runs in this folder; name a results file', { file: path });
    return files.sort().map((f) => readSamplesFile(join(path, f)));
  }
  const name = basename(path);
  if (SAMPLES_NAME.test(name)) return [readSamplesFile(path)];
  const stamp = RESULTS_NAME.exec(name)?.[1];
  if (!stamp)
    throw new UserError('expected a results_<timestamp>.json or samples_<task>_<timestamp>.jsonl file', { file: path });
  const folder = dirname(path);
  const files = readdirSync(folder).filter((f) => SAMPLES_NAME.exec(f)?.[2] === stamp);
  if (files.length === 0) {
    throw new UserError('no samples files next to this results file', { file: path }, 'run with --log_samples');
  }
  return files.sort().map((f) => readSamplesFile(join(folder, f)));
}

export function readSamplesFile(file: string): TaskSamples {
  const task = taskFromSamplesName(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file });
  }
  const items = new Map<string, SampleItem>();
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    const where = { file, line: index + 1 };
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new UserError(`not valid JSON: ${(e as Error).message}`, where);
    }
    if (!isObject(row)) throw new UserError('expected a JSON object', where);
    if (typeof row.doc_id !== 'number') throw new UserError('missing a numeric doc_id', { ...where, field: 'doc_id' });
    const filter = typeof row.filter === 'string' ? row.filter : 'none';
    const docHash = lmEvalDocHash(row);
    const key = typeof docHash === 'string' && docHash ? docHash : `doc_id:${row.doc_id}`;
    const item = itemFor(items, key, row.doc_id, row.doc);
    for (const metric of metricNames(row, where)) {
      const raw = row[metric];
      // Corpus-level metrics log [value, weight]: not a per-item score, so not paired item by item.
      if (typeof raw !== 'number') continue;
      item.values.set(filter === 'none' ? metric : `${metric},${filter}`, raw);
    }
  });
  return { task, file, items };
}

/**
 * One item per document: rows for other filters add their metrics to it. Two documents with the
 * same content hash (duplicates in a dataset) get `#2`, `#3` in doc order, the same in every run.
 */
function itemFor(items: Map<string, SampleItem>, key: string, docId: number, doc: unknown): SampleItem {
  for (let occurrence = 1; ; occurrence++) {
    const candidate = occurrence === 1 ? key : `${key}#${occurrence}`;
    const existing = items.get(candidate);
    if (!existing) {
      const item: SampleItem = { docId, doc, values: new Map() };
      items.set(candidate, item);
      return item;
    }
    if (existing.docId === docId) return existing;
  }
}

function metricNames(row: Record<string, unknown>, where: { file: string; line: number }): string[] {
  if (row.metrics === undefined) return [];
  if (!Array.isArray(row.metrics) || !row.metrics.every((m) => typeof m === 'string')) {
    throw new UserError('expected a list of metric names', { ...where, field: 'metrics' });
  }
  return row.metrics;
}

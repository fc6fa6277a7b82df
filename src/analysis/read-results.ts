/**
 * Results files into one shape, whatever wrote them: evalboard, lm-eval v0.4 (`"acc,none"` keys)
 * or lm-eval v0.3 (`results[task] = {acc, acc_stderr}`, the Pythia files). Only the files are
 * read, never the harness, so results made anywhere can be analysed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../errors.ts';

export interface MetricValue {
  readonly value: number;
  /** Absent when the file has none or says "N/A". */
  readonly stderr?: number;
}

/** task → metric → value. Metric keys drop lm-eval's `,none` filter suffix; other filters stay (`exact_match,strict-match`). */
export type TaskScores = Map<string, Map<string, MetricValue>>;

export type ResultsFormat = 'evalboard' | 'lm-eval-0.4' | 'lm-eval-0.3' | 'leaderboard-csv';

export interface RunResults {
  readonly file: string;
  readonly format: ResultsFormat;
  readonly model: string;
  /** Training step: `revision=stepN` in model_args, else `stepN` in the pretrained path, else in the file name, else a CSV column. */
  readonly step?: number;
  /** What else tells runs of one model apart in a series: `5-shot` from `config.num_fewshot`, else ''. */
  readonly setting: string;
  readonly tasks: TaskScores;
  /** group → its subtasks, from `group_subtasks` (MMLU → its subjects). */
  readonly groups: ReadonlyMap<string, readonly string[]>;
}

/** Reads each path: a results JSON file, or a folder searched recursively for results JSON files. */
export function readResultsInputs(paths: readonly string[]): RunResults[] {
  const runs: RunResults[] = [];
  for (const path of paths) {
    if (isDirectory(path)) {
      const files = listJsonFiles(path).filter(hasResultsKey);
      if (files.length === 0) throw new UserError('no results JSON files in this folder', { file: path });
      for (const file of files) runs.push(readResultsFile(file));
    } else {
      runs.push(readResultsFile(path));
    }
  }
  return runs;
}

export function readResultsFile(file: string): RunResults {
  const parsed = readJson(file);
  const results = parsed.results;
  if (!isObject(results)) throw new UserError('missing the "results" object', { file, field: 'results' });
  const config = isObject(parsed.config) ? parsed.config : {};
  const format: ResultsFormat = isObject(parsed.evalboard)
    ? 'evalboard'
    : Object.values(results).some((entry) => isObject(entry) && Object.keys(entry).some((k) => k.includes(',')))
      ? 'lm-eval-0.4'
      : 'lm-eval-0.3';
  const tasks: TaskScores = new Map();
  for (const section of ['results', 'groups'] as const) {
    const entries = parsed[section];
    if (!isObject(entries)) continue;
    for (const [task, metrics] of Object.entries(entries)) {
      if (tasks.has(task)) continue;
      if (!isObject(metrics))
        throw new UserError('expected an object of metrics', { file, field: `${section}.${task}` });
      tasks.set(task, readMetrics(metrics, file, `${section}.${task}`));
    }
  }
  const modelArgs = typeof config.model_args === 'string' ? config.model_args : '';
  const pathStep = stepFromModelPath(modelArgs);
  const step = stepFromModelArgs(modelArgs) ?? pathStep ?? stepFromFileName(file);
  const model = modelName(config, modelArgs);
  return {
    file,
    format,
    // Checkpoints saved as files (ckpt/step2000/model.gguf) are one model: the step leaves its name.
    model: pathStep === undefined ? model : model.replace(STEP_IN_PATH, 'step*'),
    ...(step === undefined ? {} : { step }),
    setting: typeof config.num_fewshot === 'number' ? `${config.num_fewshot}-shot` : '',
    tasks,
    groups: readGroups(parsed.group_subtasks, file),
  };
}

/** Keys lm-eval v0.4 writes beside the metrics of a task or group. */
const METADATA_KEYS = new Set(['alias', 'name', 'sample_len', 'sample_count', 'samples']);

function readMetrics(entry: Record<string, unknown>, file: string, field: string): Map<string, MetricValue> {
  const values = new Map<string, number>();
  const stderrs = new Map<string, number>();
  for (const [key, raw] of Object.entries(entry)) {
    if (METADATA_KEYS.has(key) || raw === 'N/A' || raw === null) continue;
    if (typeof raw !== 'number') {
      // lm-eval puts labels and bookkeeping beside the metrics; only a `metric,filter` key must be a number.
      if (key.includes(','))
        throw new UserError(`expected a number, got ${JSON.stringify(raw)}`, { file, field: `${field}.${key}` });
      continue;
    }
    const [metric = key, filter = 'none'] = key.split(',');
    const name = filter === 'none' ? metric : `${metric},${filter}`;
    if (metric.endsWith('_stderr')) stderrs.set(name.replace('_stderr', ''), raw);
    else values.set(name, raw);
  }
  const metrics = new Map<string, MetricValue>();
  for (const [name, value] of values) {
    const stderr = stderrs.get(name);
    metrics.set(name, stderr === undefined ? { value } : { value, stderr });
  }
  return metrics;
}

function readGroups(raw: unknown, file: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  if (!isObject(raw)) return groups;
  for (const [group, subtasks] of Object.entries(raw)) {
    if (!Array.isArray(subtasks) || !subtasks.every((s) => typeof s === 'string')) {
      throw new UserError('expected a list of task names', { file, field: `group_subtasks.${group}` });
    }
    if (subtasks.length > 0) groups.set(group, subtasks);
  }
  return groups;
}

/** The `pretrained=` model (what a user would call the model), else the backend name and its args. */
function modelName(config: Record<string, unknown>, modelArgs: string): string {
  const pretrained = /(?:^|,)pretrained=([^,]+)/.exec(modelArgs)?.[1];
  if (pretrained) return pretrained;
  if (typeof config.model_name === 'string' && config.model_name) return config.model_name;
  const backend = typeof config.model === 'string' ? config.model : 'unknown';
  return modelArgs ? `${backend} (${modelArgs})` : backend;
}

export function stepFromModelArgs(modelArgs: string): number | undefined {
  const match = /(?:^|,)revision=(?:global_)?step(\d+)/.exec(modelArgs);
  return match ? Number(match[1]) : undefined;
}

const STEP_IN_PATH = /step[_-]?(\d+)/i;

/** `pretrained=ckpt/step2000/model.gguf` or `…/model-step2000.gguf`: a checkpoint saved as a file. */
export function stepFromModelPath(modelArgs: string): number | undefined {
  const pretrained = /(?:^|,)pretrained=([^,]+)/.exec(modelArgs)?.[1];
  const match = pretrained ? STEP_IN_PATH.exec(pretrained) : null;
  return match ? Number(match[1]) : undefined;
}

export function stepFromFileName(file: string): number | undefined {
  const match = /step[_-]?(\d+)/i.exec(basename(file));
  return match ? Number(match[1]) : undefined;
}

export function readJson(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UserError(`not valid JSON: ${(e as Error).message}`, { file });
  }
  if (!isObject(parsed)) throw new UserError('expected a JSON object', { file });
  return parsed;
}

function hasResultsKey(file: string): boolean {
  try {
    return isObject(JSON.parse(readFileSync(file, 'utf8')).results);
  } catch {
    return false;
  }
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    throw new UserError('no such file or folder', { file: path });
  }
}

function listJsonFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The metric a task is judged by when none is named: acc, then acc_norm, exact_match, then the
 * first the task has.
 */
export function primaryMetric(metrics: ReadonlyMap<string, MetricValue>): string | undefined {
  for (const name of ['acc', 'acc_norm', 'exact_match', 'score']) if (metrics.has(name)) return name;
  return metrics.keys().next().value;
}

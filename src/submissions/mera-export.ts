/**
 * `export mera`: an evalboard results folder (results JSON + samples JSONL) as the ZIP MERA's website
 * takes: one `<Task>.json` per task at the root, `{"data": {"test": [{"outputs", "meta": {"id"}}]}}`,
 * with the special shapes of ruEthics, USE, ruTiE and the code tasks (mera/submission-example/
 * v1.2-record-shapes.json), and `logs_public.zip` holding the samples and results files.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { UserError } from '../errors.ts';
import { readResultsFile, readSamplesFile } from '../report/read.ts';
import { samplesLine } from '../report/samples.ts';
import type { SampleRow } from '../report/schema.ts';
import { rowPrediction } from './mera-predictions.ts';
import { ETHICS_CATEGORIES, type MeraSubmissionTask, meraSubmissionTask } from './mera-tasks.ts';

export interface MeraExportOptions {
  /** Also write `<Task>.json` gold files here, for the tasks whose documents carry their answers. */
  readonly goldDir?: string;
}

export interface MeraExportSummary {
  readonly tasks: readonly {
    readonly task: string;
    readonly file: string;
    readonly records: number;
    readonly samples: string;
    readonly gold: boolean;
  }[];
  /** MERA tasks found but not exported (or exported without gold), and why. */
  readonly skipped: readonly { readonly task: string; readonly reason: string }[];
  /** The files inside logs_public.zip. */
  readonly logs: readonly string[];
}

const SAMPLES_FILE = /^samples_(.+)_(\d{4}-\d{2}-\d{2}T[\d.-]+)\.jsonl$/;
const RESULTS_FILE = /^results_.*\.json$/;

type Json = Record<string, unknown>;

function walk(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

interface SamplesChoice {
  readonly task: MeraSubmissionTask;
  readonly runTask: string;
  readonly path: string;
  readonly stamp: string;
}

/** Per MERA task, the newest samples file; the log-likelihood variant over `_gen` when both ran, as MERA's default. */
function chooseSamples(files: readonly string[]): { chosen: SamplesChoice[]; ignored: string[] } {
  const chosen = new Map<string, SamplesChoice>();
  const ignored: string[] = [];
  for (const path of files) {
    const match = SAMPLES_FILE.exec(basename(path));
    if (!match) continue;
    const runTask = match[1]!;
    // MERA tasks run as `rwsd`, `mera_rwsd` or their generative `_gen` twins.
    const task = meraSubmissionTask(runTask.replace(/^mera_/, '').replace(/_gen$/, ''));
    if (!task) {
      ignored.push(runTask);
      continue;
    }
    const candidate = { task, runTask, path, stamp: match[2]! };
    const current = chosen.get(task.name);
    const rank = (c: SamplesChoice) => `${c.runTask.endsWith('_gen') ? 0 : 1}${c.stamp}`;
    if (!current || rank(candidate) > rank(current)) chosen.set(task.name, candidate);
  }
  return { chosen: [...chosen.values()], ignored };
}

interface TaskSettings {
  readonly targetDelimiter: string;
  readonly generative: boolean;
}

function settingsFrom(resultsFiles: readonly string[]): Map<string, TaskSettings> {
  const settings = new Map<string, TaskSettings>();
  for (const file of resultsFiles) {
    for (const [task, config] of Object.entries(readResultsFile(file).configs)) {
      const c = (config ?? {}) as { target_delimiter?: unknown; output_type?: unknown };
      settings.set(task, {
        targetDelimiter: typeof c.target_delimiter === 'string' ? c.target_delimiter : ' ',
        generative: c.output_type === 'generate_until',
      });
    }
  }
  return settings;
}

function hasAnswer(outputs: unknown): boolean {
  if (typeof outputs === 'string' || Array.isArray(outputs)) return outputs.length > 0;
  return typeof outputs === 'object' && outputs !== null && Object.keys(outputs).length > 0;
}

/** The code tasks' answer: per generation, a list of per-test outputs (strings or nulls) or "timed out". */
function isPerTestOutputs(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every(
      (g) => g === 'timed out' || (Array.isArray(g) && g.every((out) => typeof out === 'string' || out === null)),
    )
  );
}

interface TaskRecords {
  readonly records: Json[];
  readonly gold: Json[] | undefined;
}

/** The submission records (and gold records) of one task's samples rows, or why it cannot be exported. */
function taskRecords(
  task: MeraSubmissionTask,
  rows: readonly SampleRow[],
  settings: TaskSettings,
): TaskRecords | string {
  const filter = rows[0]?.filter;
  const ordered = rows.filter((r) => r.filter === filter).sort((a, b) => a.doc_id - b.doc_id);
  const records: Json[] = [];
  let gold: Json[] | undefined = [];
  const seen = new Set<string>();
  const stoppedDialogs = new Set<string>();
  for (const row of ordered) {
    const doc = row.doc as Json | null;
    const meta = (doc && typeof doc === 'object' ? doc.meta : undefined) as Json | undefined;
    if (!meta || typeof meta !== 'object')
      return `its samples rows are not MERA records (doc ${row.doc_id} has no meta)`;
    const key = task.dialogIds ? `${meta.dialog_id}:${meta.question_id}` : JSON.stringify(meta.id);
    if (task.dialogIds ? meta.dialog_id === undefined || meta.question_id === undefined : meta.id === undefined) {
      return `doc ${row.doc_id} has no ${task.dialogIds ? 'meta.dialog_id/question_id' : 'meta.id'}`;
    }
    if (seen.has(key)) {
      return `id ${key} is in the samples twice (a run with --prompts all or repeats); export a run that answers each item once`;
    }
    seen.add(key);
    if (task.scoring === 'code' && !isPerTestOutputs(row.mera_prediction)) {
      return `doc ${row.doc_id}: mera_prediction is not a list of generations' per-test outputs (MERA scores the outputs of each generated function on the tests, not its code: run with --confirm_run_unsafe_code)`;
    }
    const predicted = rowPrediction(row, settings.targetDelimiter, settings.generative);
    if (task.dialogIds) {
      // A dialog's list stops at its first unanswered question, as MERA's converter writes it.
      const dialog = String(meta.dialog_id);
      if (!predicted.ok) stoppedDialogs.add(dialog);
      if (stoppedDialogs.has(dialog)) continue;
    } else if (!predicted.ok) {
      return predicted.reason;
    }
    const prediction = predicted.ok ? predicted.prediction : undefined;
    records.push(submissionRecord(task, prediction, meta));
    if (gold && hasAnswer(doc?.outputs)) gold.push({ outputs: doc?.outputs, meta, inputs: doc?.inputs });
    else gold = undefined;
  }
  return { records, gold };
}

function submissionRecord(task: MeraSubmissionTask, prediction: unknown, meta: Json): Json {
  switch (task.scoring) {
    case 'ethics':
      return { outputs: Object.fromEntries(ETHICS_CATEGORIES.map((c) => [c, prediction])), meta: { id: meta.id } };
    case 'use':
      return { outputs: prediction, meta: { id: meta.id, id_task: meta.id_task, variant: meta.variant } };
    case 'code':
      // v1.2 wraps the n generations (each a list of per-test outputs) in one list.
      return { outputs: [prediction], meta: { id: meta.id } };
    default:
      return task.dialogIds
        ? { outputs: prediction, meta: { dialog_id: meta.dialog_id, question_id: meta.question_id } }
        : { outputs: prediction, meta: { id: meta.id } };
  }
}

/** A samples file for logs_public.zip: ruTiE's prompts become their sha256, as MERA publishes them. */
function logText(task: MeraSubmissionTask, path: string, rows: readonly SampleRow[]): Buffer {
  if (!task.dialogIds) return readFileSync(path);
  const hashed = rows.map((row) => {
    const args = Object.fromEntries(
      Object.entries(row.arguments).map(([name, a]) => [
        name,
        { ...a, arg_0: createHash('sha256').update(String(a.arg_0)).digest('hex') },
      ]),
    );
    return samplesLine({ ...row, arguments: args });
  });
  return Buffer.from(hashed.join(''));
}

function zipBuffer(zip: yazl.ZipFile): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
    zip.end();
  });
}

export async function exportMeraSubmission(
  resultsDir: string,
  outZip: string,
  opts: MeraExportOptions = {},
): Promise<MeraExportSummary> {
  let files: string[];
  try {
    files = walk(resultsDir);
  } catch (e) {
    throw new UserError(`cannot read the results folder: ${(e as Error).message}`, { file: resultsDir });
  }
  const resultsFiles = files.filter((f) => RESULTS_FILE.test(basename(f)));
  const { chosen, ignored } = chooseSamples(files);
  if (chosen.length === 0) {
    const others = ignored.length > 0 ? ` (found samples of ${[...new Set(ignored)].join(', ')}, not MERA tasks)` : '';
    throw new UserError(
      `no samples of MERA tasks${others}`,
      { file: resultsDir },
      'run MERA tasks with --log_samples --output_path DIR and export that DIR',
    );
  }
  const settings = settingsFrom(resultsFiles);
  const outer = new yazl.ZipFile();
  const logs = new yazl.ZipFile();
  const logNames: string[] = [];
  /** logs_public.zip is flat: a name seen twice (results of two runs in two folders) gets its folder's name in front. */
  const addLog = (content: Buffer, path: string): void => {
    let name = basename(path);
    if (logNames.includes(name)) name = `${basename(dirname(path))}__${name}`;
    logs.addBuffer(content, name);
    logNames.push(name);
  };
  const exported: { task: string; file: string; records: number; samples: string; gold: boolean }[] = [];
  const skipped: { task: string; reason: string }[] = [];
  if (opts.goldDir) mkdirSync(opts.goldDir, { recursive: true });
  for (const choice of chosen.sort((a, b) => a.task.name.localeCompare(b.task.name))) {
    const rows = readSamplesFile(choice.path);
    const taskSettings = settings.get(choice.runTask) ?? { targetDelimiter: ' ', generative: false };
    const built = taskRecords(choice.task, rows, taskSettings);
    if (typeof built === 'string') {
      skipped.push({ task: choice.task.name, reason: built });
      continue;
    }
    const fileName = `${choice.task.name}.json`;
    outer.addBuffer(Buffer.from(JSON.stringify({ data: { test: built.records } }, null, 4)), fileName);
    addLog(logText(choice.task, choice.path, rows), choice.path);
    const writeGold = opts.goldDir !== undefined && built.gold !== undefined;
    if (writeGold) {
      writeFileSync(join(opts.goldDir!, fileName), JSON.stringify({ data: { test: built.gold } }, null, 1));
    } else if (opts.goldDir) {
      skipped.push({ task: choice.task.name, reason: 'no gold written: some of its documents have no answers' });
    }
    exported.push({
      task: choice.task.name,
      file: fileName,
      records: built.records.length,
      samples: choice.path,
      gold: writeGold,
    });
  }
  for (const file of resultsFiles) addLog(readFileSync(file), file);
  // Stored, not deflated: the outer ZIP compresses nothing twice, and the upload's ratio check sees real sizes.
  outer.addBuffer(await zipBuffer(logs), 'logs_public.zip', { compress: false });
  mkdirSync(dirname(outZip), { recursive: true });
  const done = pipeline(outer.outputStream, createWriteStream(outZip));
  outer.end();
  await done;
  return { tasks: exported, skipped, logs: logNames };
}

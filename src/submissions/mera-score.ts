/**
 * Scores a MERA submission archive against a folder of gold answers, by the website's rules
 * (mera/SOURCE.md §5): task files are matched by name at any depth, every problem is listed with its
 * task and record, a task with any error scores 0, and the total is the mean over the in-total tasks.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { UserError } from '../errors.ts';
import { mean } from '../metrics/aggregations.ts';
import { type ArchiveLimits, type ExtractedFile, extractArchive } from './archive.ts';
import { type MeraRecord, parseTaskRecords, type SubmissionError } from './mera-records.ts';
import { type MeraLoggedItem, meraLogPrompts } from './mera-prompts.ts';
import { type MeraItemScore, scoreTaskRecords } from './mera-task-score.ts';
import { headlineMetrics, MERA_SUBMISSION_TASKS, type MeraSubmissionTask } from './mera-tasks.ts';

export type { MeraErrorType, SubmissionError } from './mera-records.ts';

export type MeraTaskStatus =
  /** Validated and scored. */
  | 'scored'
  /** Present with errors, or absent: every metric 0. */
  | 'error'
  /** The gold folder has no answers for it: not scored, and left out of the total. */
  | 'no_gold'
  /** Validated, but its metrics need models this scorer does not run (ruDetox). */
  | 'not_computable';

export interface MeraTaskResult {
  readonly status: MeraTaskStatus;
  readonly metrics: Readonly<Record<string, number>>;
  /** Mean of the metrics without "." in their name; null where there are none (ruEthics) or none were computed. */
  readonly score: number | null;
  readonly errors: readonly SubmissionError[];
  readonly use_in_total: boolean;
  /** Per predicted record, its outputs and item metric (scored tasks only; the viewer's samples). */
  readonly items?: readonly MeraItemScore[];
}

export interface MeraSubmissionScore {
  readonly tasks: Readonly<Record<string, MeraTaskResult>>;
  /** Every error of every task, in task order. */
  readonly errors: readonly SubmissionError[];
  /** Mean task score over `total_over`; missing and erroneous tasks count 0. Null when no in-total task has gold. */
  readonly total: number | null;
  /** MERA's 15 in-total tasks. */
  readonly use_in_total: readonly string[];
  /** The in-total tasks the gold folder has answers for: the ones the total averages. */
  readonly total_over: readonly string[];
  /** Every in-total task had gold, was present and had no error. */
  readonly ready_for_public: boolean;
  /** Tasks whose metrics are not computed here, and why. */
  readonly not_computable: readonly { readonly task: string; readonly reason: string }[];
  /** From the archive's logs_public.zip: task file name → item id (mera-prompts.ts) → prompt and response. */
  readonly prompts: ReadonlyMap<string, ReadonlyMap<string, MeraLoggedItem>>;
}

export interface ScoreMeraOptions {
  readonly limits?: Partial<ArchiveLimits>;
  /** Where the archive is unpacked (a fresh folder is made inside and removed afterwards); the OS temp folder by default. */
  readonly workDir?: string;
}

const DETOX_REASON =
  'ruDetox is scored with three neural classifiers (toxicity, paraphrase, fluency) and a calibrator this scorer does not run';

/** The gold folder: `<Task>.json` per task, in the submission's own shape, `outputs` holding the answers. */
export async function readMeraGold(goldDir: string): Promise<Map<string, readonly MeraRecord[]>> {
  const names = await readdir(goldDir).catch((e: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read the gold folder: ${e.message}`, { file: goldDir }, 'pass --gold DIR');
  });
  const gold = new Map<string, readonly MeraRecord[]>();
  for (const task of MERA_SUBMISSION_TASKS) {
    const fileName = `${task.name}.json`;
    if (!names.includes(fileName)) continue;
    const file = join(goldDir, fileName);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (e) {
      throw new UserError(`gold file is not valid JSON: ${(e as Error).message}`, { file });
    }
    const parsed = parseTaskRecords(task.name, fileName, json, task.dialogIds === true);
    if (!parsed.ok) throw new UserError(`gold file is malformed: ${parsed.errors[0]?.message}`, { file });
    checkGoldFields(task, file, parsed.records);
    gold.set(task.name, parsed.records);
  }
  if (gold.size === 0) {
    throw new UserError(
      'the gold folder has no MERA task files',
      { file: goldDir },
      'it needs <Task>.json files such as RWSD.json; `evalboard export mera --gold DIR` writes them',
    );
  }
  return gold;
}

/** The gold fields a task's scorer reads besides outputs (ruEthics: the question; USE: type, points, variant). */
const GOLD_META: Partial<Record<MeraSubmissionTask['scoring'], readonly string[]>> = {
  ethics: ['question'],
  use: ['id_task', 'type', 'score', 'variant'],
};

function checkGoldFields(task: MeraSubmissionTask, file: string, records: readonly MeraRecord[]): void {
  for (const record of records) {
    for (const key of GOLD_META[task.scoring] ?? []) {
      if (record.meta[key] === undefined) {
        throw new UserError(`gold record ${record.key} has no meta.${key}, which ${task.name} is scored by`, {
          file,
          field: `meta.${key}`,
        });
      }
    }
    if (task.scoring === 'code' && !Array.isArray(record.outputs)) {
      throw new UserError(`gold record ${record.key}: outputs must be the list of expected per-test outputs`, { file });
    }
  }
}

/** Python's os.path.splitext stem and extension of the file name. */
function stemAndExtension(path: string): { stem: string; extension: string } {
  const name = basename(path);
  const extension = extname(name);
  return { stem: name.slice(0, name.length - extension.length), extension };
}

async function validateAndScore(
  task: MeraSubmissionTask,
  candidates: readonly ExtractedFile[],
  allFiles: readonly ExtractedFile[],
  gold: readonly MeraRecord[],
): Promise<{ metrics?: Record<string, number>; items?: readonly MeraItemScore[]; errors: SubmissionError[] }> {
  const error = (type: SubmissionError['type'], message: string) => ({ errors: [{ task: task.name, type, message }] });
  if (candidates.length === 0) {
    const near = allFiles.find((f) => stemAndExtension(f.path).stem.toLowerCase() === task.name.toLowerCase());
    const hint = near ? ` (found ${near.path}: names are case-sensitive)` : '';
    return error('no_task', `the archive has no ${task.name}.json${hint}`);
  }
  if (candidates.length > 1) {
    return error(
      'duplicate_file',
      `the archive has ${candidates.length} files named ${task.name}: ${candidates.map((f) => f.path).join(', ')}; keep one`,
    );
  }
  const file = candidates[0]!;
  const { extension } = stemAndExtension(file.path);
  if (extension !== '.json') {
    return error('extension', `${file.path} has the extension "${extension}"; task files must end in .json`);
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file.absolutePath, 'utf8'));
  } catch (e) {
    return error('unreadable_file', `${file.path} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = parseTaskRecords(task.name, file.path, json, task.dialogIds === true);
  if (!parsed.ok) return { errors: [...parsed.errors] };
  if (task.scoring === 'detox') return { errors: [] };
  const scored = scoreTaskRecords(task, file.path, gold, parsed.records);
  return scored.ok ? { metrics: scored.metrics, items: scored.items, errors: [] } : { errors: [...scored.errors] };
}

function taskScore(metrics: Readonly<Record<string, number>>): number | null {
  const headline = Object.entries(metrics).filter(([name]) => !name.includes('.'));
  return headline.length === 0 ? null : mean(headline.map(([, v]) => v));
}

/**
 * Unpacks `archivePath` safely (a HostileArchiveError if it is refused) and scores every MERA task the
 * gold folder has answers for. The unpacked files are removed before this returns.
 */
export async function scoreMeraSubmission(
  archivePath: string,
  goldDir: string,
  opts: ScoreMeraOptions = {},
): Promise<MeraSubmissionScore> {
  const gold = await readMeraGold(goldDir);
  const workDir = await mkdtemp(join(opts.workDir ?? tmpdir(), 'mera-submission-'));
  try {
    const extracted = await extractArchive(archivePath, join(workDir, 'unpacked'), opts.limits);
    // A nested archive (logs_public.zip) is the run's logs, never a task file.
    const files = extracted.files.filter((f) => f.depth === 0);
    const tasks: Record<string, MeraTaskResult> = {};
    const errors: SubmissionError[] = [];
    for (const task of MERA_SUBMISSION_TASKS) {
      const taskGold = gold.get(task.name);
      const candidates = files.filter((f) => stemAndExtension(f.path).stem === task.name);
      const base = { use_in_total: task.useInTotal };
      if (taskGold === undefined) {
        tasks[task.name] = { ...base, status: 'no_gold', metrics: {}, score: null, errors: [] };
        continue;
      }
      const result = await validateAndScore(task, candidates, files, taskGold);
      errors.push(...result.errors);
      if (result.errors.length > 0) {
        const zeros = Object.fromEntries(headlineMetrics(task).map((m) => [m, 0]));
        tasks[task.name] = { ...base, status: 'error', metrics: zeros, score: 0, errors: result.errors };
      } else if (result.metrics === undefined) {
        tasks[task.name] = { ...base, status: 'not_computable', metrics: {}, score: null, errors: [] };
      } else {
        tasks[task.name] = {
          ...base,
          status: 'scored',
          metrics: result.metrics,
          score: taskScore(result.metrics),
          errors: [],
          ...(result.items ? { items: result.items } : {}),
        };
      }
    }
    const inTotal = MERA_SUBMISSION_TASKS.filter((t) => t.useInTotal).map((t) => t.name);
    const totalOver = inTotal.filter((name) => gold.has(name));
    const total = totalOver.length === 0 ? null : mean(totalOver.map((name) => tasks[name]?.score ?? 0));
    const notComputable = MERA_SUBMISSION_TASKS.filter((t) => t.scoring === 'detox' && gold.has(t.name)).map((t) => ({
      task: t.name,
      reason: DETOX_REASON,
    }));
    return {
      tasks,
      errors,
      total,
      use_in_total: inTotal,
      total_over: totalOver,
      ready_for_public: inTotal.every((name) => tasks[name]?.status === 'scored'),
      not_computable: notComputable,
      prompts: meraLogPrompts(extracted.files),
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

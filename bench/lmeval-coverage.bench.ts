/**
 * How much of lm-eval's own task tree evalboard runs unmodified: of every task YAML under
 * lm_eval/tasks, how many load, how many resolve their metrics and filters, and how many build
 * requests, with Python hooks (utils.py) served by the hook process. Datasets come from local
 * data_files where the YAML names them, else from stand-in rows with the columns the task's
 * templates and hooks read (bench/lib/stand-in-dataset.ts): the figure measures the harness, not
 * the data. Failures are grouped by reason, most common first.
 *
 *   npm run bench -- lmeval-coverage [--lmeval PATH] [--only FOLDER,...] [--rounds 3] [--data_dir DIR]
 *
 * PATH is an lm-eval checkout (or its lm_eval/tasks folder); by default v0.4.9.2's tree is
 * extracted from the mirror at /work/.mirror/EleutherAI+lm-evaluation-harness/repo.
 */
import { execSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../src/errors.ts';
import { buildInstances } from '../src/instances/build.ts';
import { PythonRandom } from '../src/python/random.ts';
import { checkFilters, resolveMetrics } from '../src/scoring/metric-scorer.ts';
import type { TaskDefinition } from '../src/task/types.ts';
import { loadTaskYamls } from '../src/task/yaml/index.ts';
import type { YamlTaskDefinition } from '../src/task/yaml/types.ts';
import { columnsFromConfig, columnsFromPython, merge, type Shape, standInRows } from './lib/stand-in-dataset.ts';
import { argValue, machineLine } from './lib/workloads.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MIRROR = '/work/.mirror/EleutherAI+lm-evaluation-harness/repo';
const TAG = 'v0.4.9.2';
/** Builders whose rows come from the YAML's own data_files, never from a stand-in. */
const FILE_BUILDERS = new Set(['json', 'csv', 'parquet', 'text', 'arrow']);
/** Focus folders the issue names: which of them build requests. */
const FOCUS = [
  'arc',
  'mmlu',
  'gsm8k',
  'lambada',
  'winogrande',
  'hellaswag',
  'piqa',
  'super_glue/boolq',
  'ifeval',
  'leaderboard',
];

type Stage = 'load' | 'scoring' | 'requests';
interface Outcome {
  readonly task: string;
  /** The task file, relative to lm_eval/tasks. */
  readonly folder: string;
  /** reason: grouped (names, paths, numbers taken out); raw: the message as thrown. */
  readonly failed?: { readonly stage: Stage; readonly reason: string; readonly raw: string };
}

export default async function lmevalCoverage(args: string[]): Promise<void> {
  const tasksDir = locateTasks(argValue(args, '--lmeval'));
  if (!tasksDir) return;
  // --only arc,mmlu: those folders of the tree alone (a quick look; the figure is the whole tree's).
  const only = argValue(args, '--only');
  const dirs = only ? only.split(',').map((folder) => join(tasksDir, folder)) : [tasksDir];
  const absent = dirs.filter((d) => !existsSync(d));
  if (absent.length > 0) throw new UserError(`no such folder: ${absent.join(', ')}`, { field: '--only' });
  const rounds = Number(argValue(args, '--rounds') ?? 3);
  // A hook that hangs (an import that reaches for the network) costs seconds, not the default ten minutes.
  process.env.EVALBOARD_HOOK_TIMEOUT_S ??= '20';
  const standIn = mkdtempSync(join(tmpdir(), 'evalboard-standin-'));
  // The stand-ins go however the run ends (links inside lead to the real data: rm removes only the links).
  process.once('exit', () => rmSync(standIn, { recursive: true, force: true }));
  // Real local copies first (MMLU, ARC, GSM8K... as evalboard's local-dataset table finds them), stand-ins beside them.
  const dataDir = argValue(args, '--data_dir') ?? process.env.EVALBOARD_DATA_DIR ?? join(ROOT, '../shared/datasets');
  if (existsSync(dataDir))
    for (const name of readdirSync(dataDir)) symlinkSync(join(dataDir, name), join(standIn, name));
  /** Files a local-dataset rule looked for and did not find: a stand-in is written there (never through a link). */
  const ruleFiles = new Map<string, string>();
  const started = Date.now();
  const yamlFiles = dirs.flatMap(listYamls);
  process.stdout.write(`machine: ${machineLine()}\nlm-eval tasks: ${tasksDir} (${yamlFiles.length} YAML files)\n`);

  const columns = new Map<string, Map<string, Shape>>();
  const pythonColumns = new Map<string, Map<string, Shape>>();
  let outcomes: Outcome[] = [];
  let warnings = 0;
  let brokenFiles = 0;
  for (let round = 1; round <= rounds; round++) {
    const index = await loadTaskYamls(dirs, { dataDir: standIn });
    warnings = index.warnings.length;
    brokenFiles = index.warnings.filter((w) => w.brokenFile).length;
    const entries = index.list().filter((e) => e.kind === 'task');
    const loaded: YamlTaskDefinition[] = [];
    outcomes = [];
    for (const { name, file } of entries) {
      try {
        loaded.push(index.get(name) as YamlTaskDefinition);
      } catch (e) {
        const folder = file ? relative(tasksDir, file) : '';
        outcomes.push({ task: name, folder, failed: { stage: 'load', reason: reasonOf(e), raw: String(e) } });
      }
    }
    for (const task of loaded) planStandIn(task, columns, pythonColumns);
    writeStandIns(standIn, columns, loaded, ruleFiles);
    let added = 0;
    for (const [i, task] of loaded.entries()) {
      if (i > 0 && i % 2000 === 0) process.stdout.write(`  ${i}/${loaded.length} tasks tried\n`);
      const taskStarted = Date.now();
      const outcome = await tryTask(task, tasksDir);
      const seconds = (Date.now() - taskStarted) / 1000;
      if (seconds > 10) process.stdout.write(`  slow: ${task.name} took ${seconds.toFixed(0)} s\n`);
      outcomes.push(outcome);
      // A column the task read that the stand-in lacked: add it and try again next round.
      const missing =
        outcome.failed && /uses (\w+), which the doc does not have|KeyError: '(\w+)'/.exec(outcome.failed.reason);
      const key = datasetKey(task);
      if (missing && key) {
        merge(columns.get(key)!, [(missing[1] ?? missing[2])!], 'text');
        added++;
      }
      const absent = outcome.failed && /ENOENT: no such file or directory, open '([^']+)'/.exec(outcome.failed.raw);
      if (absent && key && insideNoLinks(standIn, absent[1]!) && !ruleFiles.has(absent[1]!)) {
        ruleFiles.set(absent[1]!, key);
        added++;
      }
    }
    process.stdout.write(
      `round ${round}: ${outcomes.filter((o) => !o.failed).length}/${outcomes.length} tasks build requests, ${added} stand-ins gain a column (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
    );
    if (added === 0) break;
  }
  report(outcomes, yamlFiles.length, warnings, brokenFiles, started);
}

function locateTasks(given: string | undefined): string | undefined {
  if (given) {
    const dir = existsSync(join(given, 'lm_eval', 'tasks')) ? join(given, 'lm_eval', 'tasks') : given;
    if (!existsSync(dir)) throw new UserError(`${given}: no lm_eval/tasks folder there`, { field: '--lmeval' });
    return dir;
  }
  if (!existsSync(MIRROR)) {
    process.stdout.write(
      `no lm-eval checkout at ${MIRROR}: point the benchmark at one with\n  npm run bench -- lmeval-coverage --lmeval PATH   (a clone of EleutherAI/lm-evaluation-harness, or its lm_eval/tasks)\n`,
    );
    return undefined;
  }
  const out = mkdtempSync(join(tmpdir(), 'lmeval-tasks-'));
  execSync(`git -C ${MIRROR} archive ${TAG} lm_eval/tasks | tar -x -C ${out}`);
  process.once('exit', () => rmSync(out, { recursive: true, force: true }));
  return join(out, 'lm_eval', 'tasks');
}

function listYamls(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listYamls(path));
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

/** "<dataset_path>/<dataset_name>" for hub datasets; undefined where the YAML's own files are read. */
function datasetKey(task: YamlTaskDefinition): string | undefined {
  const path = task.config.dataset_path;
  if (typeof path !== 'string' || FILE_BUILDERS.has(path)) return undefined;
  const name = task.config.dataset_name;
  return name == null ? path : join(path, String(name));
}

function splitsOf(task: YamlTaskDefinition): string[] {
  const c = task.config;
  return [c.test_split, c.validation_split, c.training_split, c.fewshot_split].filter(
    (s): s is string => typeof s === 'string',
  );
}

/** Columns of each hub dataset: the union over the tasks that read it. */
function planStandIn(
  task: YamlTaskDefinition,
  columns: Map<string, Map<string, Shape>>,
  pythonColumns: Map<string, Map<string, Shape>>,
): void {
  const key = datasetKey(task);
  if (!key) return;
  const into = columns.get(key) ?? new Map<string, Shape>();
  columns.set(key, into);
  columnsFromConfig(task.config, into);
  const folder = dirname(task.file);
  let fromPython = pythonColumns.get(folder);
  if (!fromPython) {
    fromPython = new Map();
    for (const f of readdirSync(folder).filter((n) => n.endsWith('.py')))
      columnsFromPython(readFileSync(join(folder, f), 'utf8'), fromPython);
    pythonColumns.set(folder, fromPython);
  }
  for (const [name, shape] of fromPython) if (!into.has(name)) into.set(name, shape);
}

function writeStandIns(
  root: string,
  columns: Map<string, Map<string, Shape>>,
  tasks: readonly YamlTaskDefinition[],
  ruleFiles: ReadonlyMap<string, string>,
) {
  const rowsOf = (key: string) =>
    `${standInRows(columns.get(key) ?? new Map())
      .map((r) => JSON.stringify(r))
      .join('\n')}\n`;
  for (const task of tasks) {
    const key = datasetKey(task);
    if (!key || !insideNoLinks(root, join(root, key, 'x'))) continue;
    mkdirSync(join(root, key), { recursive: true });
    for (const split of splitsOf(task)) writeFileSync(join(root, key, `${split}.jsonl`), rowsOf(key));
  }
  for (const [file, key] of ruleFiles) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, rowsOf(key));
  }
}

/** Whether `path` lies under `root` with no symbolic link on the way (a link leads to the real, read-only data). */
function insideNoLinks(root: string, path: string): boolean {
  const rel = relative(root, path);
  if (rel.startsWith('..')) return false;
  let at = root;
  for (const part of rel.split('/').slice(0, -1)) {
    at = join(at, part);
    if (!existsSync(at)) return true;
    if (lstatSync(at).isSymbolicLink()) return false;
  }
  return true;
}

async function tryTask(task: YamlTaskDefinition, tasksDir: string): Promise<Outcome> {
  const folder = relative(tasksDir, task.file);
  const fail = (stage: Stage, e: unknown): Outcome => ({
    task: task.name,
    folder,
    failed: { stage, reason: reasonOf(e), raw: e instanceof Error ? e.message : String(e) },
  });
  try {
    checkFilters(task);
    resolveMetrics(task);
  } catch (e) {
    return fail('scoring', e);
  }
  try {
    const numFewshot = task.defaultNumFewshot;
    const docs = await task.loadDocs({ fewshot: numFewshot > 0 });
    const instances = buildInstances(task as TaskDefinition, docs, {
      numFewshot,
      limit: 2,
      rnd: new PythonRandom(1234),
    });
    if (instances.length === 0) throw new Error('no documents');
    return { task: task.name, folder };
  } catch (e) {
    return fail('requests', e);
  }
}

/** One failure's reason with the task-specific parts (names, paths, numbers) taken out, so alike ones group. */
function reasonOf(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message
    .split('\n')[0]!
    .replace(/^task [^:]+: /, '')
    .replace(/^[\w.-]+: /, '')
    .replace(/\/[^\s"',)]+/g, '<path>')
    .replace(/doc \d+ \([\w-]+ split\)/g, 'doc N')
    .replace(/\b\d+(\.\d+)?\b/g, 'N')
    .slice(0, 160);
}

function report(outcomes: readonly Outcome[], yamlFiles: number, warnings: number, broken: number, started: number) {
  const count = (stage?: Stage) => outcomes.filter((o) => (stage ? o.failed?.stage === stage : !o.failed)).length;
  const total = outcomes.length;
  const loaded = total - count('load');
  const scored = loaded - count('scoring');
  const built = count();
  const pct = (n: number) => `${((100 * n) / Math.max(1, total)).toFixed(1)} %`;
  process.stdout.write(
    `\nYAML files: ${yamlFiles} (${broken} unreadable, ${warnings} warnings in all)\ntasks defined: ${total}\n` +
      `  load:                 ${loaded} (${pct(loaded)})\n` +
      `  metrics+filters known: ${scored} (${pct(scored)})\n` +
      `  build requests:       ${built} (${pct(built)})\n` +
      `time: ${((Date.now() - started) / 1000).toFixed(0)} s | load ${machineLine().split('load ')[1] ?? ''}\n\ntop reasons:\n`,
  );
  const reasons = new Map<string, number>();
  for (const o of outcomes)
    if (o.failed)
      reasons.set(
        `[${o.failed.stage}] ${o.failed.reason}`,
        (reasons.get(`[${o.failed.stage}] ${o.failed.reason}`) ?? 0) + 1,
      );
  for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 20))
    process.stdout.write(`${String(n).padStart(6)}  ${reason}\n`);
  process.stdout.write('\nfolders the issue names (tasks building requests / tasks):\n');
  for (const focus of FOCUS) {
    const mine = outcomes.filter((o) => o.folder.startsWith(`${focus}/`));
    const ok = mine.filter((o) => !o.failed);
    const why = [...new Set(mine.filter((o) => o.failed).map((o) => o.failed!.reason))].slice(0, 2).join(' | ');
    process.stdout.write(`  ${focus.padEnd(12)} ${ok.length}/${mine.length}${why ? `  (${why})` : ''}\n`);
  }
}

import type { MetricEntries, ResultsReport, SuiteBenchmarkScore, SuiteSection } from '../report/schema.ts';
import { metricKey, type SuiteBenchmark, type SuiteDefinition } from './definition.ts';
import { mean, normaliseScore, normaliseSubtasks, randomBaseline } from './normalise.ts';

/**
 * A suite's scores from a results file: raw and normalised per benchmark, the total, and every way
 * the run's setup differs from the suite's. `unavailable` gives, per benchmark name, why its task
 * was not run (not in this build, or not scorable here).
 */
export function scoreSuite(
  suite: SuiteDefinition,
  report: ResultsReport,
  unavailable: ReadonlyMap<string, string> = new Map(),
): SuiteSection {
  const benchmarks: Record<string, SuiteBenchmarkScore> = {};
  const missing: string[] = [];
  const mismatches = setupMismatches(suite, report);
  for (const b of suite.benchmarks) {
    const keys = b.metrics.map(metricKey);
    const reason = unavailable.get(b.name);
    const scored = reason === undefined ? scoreBenchmark(b, keys, report) : { reason };
    if ('reason' in scored) {
      missing.push(`${b.name} (${b.task}): ${scored.reason}`);
      benchmarks[b.name] = { task: b.task, metrics: keys, raw: null, baseline: null, normalised: null };
      continue;
    }
    benchmarks[b.name] = scored;
    mismatches.push(...benchmarkMismatches(b, report));
  }
  const normalised = Object.values(benchmarks)
    .map((b) => b.normalised)
    .filter((v): v is number => v !== null);
  return {
    name: suite.suite,
    file_sha256: suite.sha256,
    benchmarks,
    total: normalised.length > 0 ? mean(normalised) : null,
    complete: missing.length === 0,
    missing,
    setup: { matched: mismatches.length === 0, mismatches },
  };
}

function scoreBenchmark(
  b: SuiteBenchmark,
  keys: readonly string[],
  report: ResultsReport,
): SuiteBenchmarkScore | { reason: string } {
  const entries = report.groups[b.task] ?? report.results[b.task];
  const raw = entries && metricMean(entries, keys);
  if (raw === undefined) return { reason: `its results have no ${keys.join(', ')}` };
  if (!b.subtasks) {
    const baseline = randomBaseline(b.choices);
    return { task: b.task, metrics: [...keys], raw, baseline, normalised: normaliseScore(raw, baseline) };
  }
  const subtaskRaws: Record<string, { raw: number; choices: number }> = {};
  for (const [name, { choices }] of Object.entries(b.subtasks)) {
    const value = report.results[name] && metricMean(report.results[name], keys);
    if (value === undefined) return { reason: `subtask ${name} has no ${keys.join(', ')}` };
    subtaskRaws[name] = { raw: value, choices };
  }
  const { normalised, subtasks } = normaliseSubtasks(subtaskRaws);
  return { task: b.task, metrics: [...keys], raw, baseline: null, normalised, subtasks };
}

function metricMean(entries: MetricEntries, keys: readonly string[]): number | undefined {
  const values = keys.map((k) => entries[k]);
  return values.every((v): v is number => typeof v === 'number') ? mean(values) : undefined;
}

function setupMismatches(suite: SuiteDefinition, report: ResultsReport): string[] {
  const { config } = report;
  const out: string[] = [];
  if (config.limit !== null) out.push(`--limit ${config.limit}: the suite scores every document`);
  if (config.system_instruction !== null) out.push('--system_instruction: the suite uses no system prompt');
  if (config.gen_kwargs !== null) out.push(`--gen_kwargs ${config.gen_kwargs}: the suite uses each task's own`);
  if (config.max_gen_toks !== null) out.push(`--max_gen_toks ${config.max_gen_toks}: the suite uses each task's own`);
  const chat = suite.setup.apply_chat_template;
  if (chat !== 'any' && chat !== config.apply_chat_template)
    out.push(`apply_chat_template ${config.apply_chat_template}: the suite fixes ${chat}`);
  const prompts = promptsMode(config.argv);
  if (suite.setup.prompts && prompts !== suite.setup.prompts)
    out.push(`--prompts ${prompts}: the suite fixes ${suite.setup.prompts}`);
  const minimum = suite.setup.min_evalboard_version;
  if (minimum && compareVersions(config.evalboard_version, minimum) < 0)
    out.push(`evalboard ${config.evalboard_version}: the suite needs ${minimum} or later`);
  return out;
}

/** The --prompts mode a run used, from its recorded command line (spread unless it says otherwise). */
function promptsMode(argv: readonly string[]): string {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--prompts=')) return arg.slice('--prompts='.length);
    if (arg === '--prompts' && argv[i + 1] !== undefined) return argv[i + 1]!;
  }
  return 'spread';
}

/** Numeric compare of "major.minor.patch" versions (anything after a '-' or '+' ignored). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .split(/[-+]/)[0]!
      .split('.')
      .map((x) => Number.parseInt(x, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Shots and document counts of a benchmark's tasks against the suite's. */
function benchmarkMismatches(b: SuiteBenchmark, report: ResultsReport): string[] {
  const out: string[] = [];
  const tasks = leafTasks(b.task, report);
  const wrongShots = tasks.filter((t) => report['n-shot'][t] !== b.num_fewshot);
  if (wrongShots.length > 0) {
    const shots = [...new Set(wrongShots.map((t) => report['n-shot'][t]))].join('/');
    out.push(`${b.name}: ${wrongShots.length} task(s) ran ${shots}-shot, the suite fixes ${b.num_fewshot}`);
  }
  const docs = tasks.reduce((n, t) => n + (report['n-samples'][t]?.original ?? 0), 0);
  if (docs !== b.docs) out.push(`${b.name}: ${docs} documents in the data, the suite's benchmark has ${b.docs}`);
  return out;
}

/** A group's tasks, subgroups expanded; a task is its own leaf (a task run alone lists no subtasks). */
function leafTasks(name: string, report: ResultsReport): string[] {
  const subtasks = report.group_subtasks[name];
  return subtasks && subtasks.length > 0 ? subtasks.flatMap((s) => leafTasks(s, report)) : [name];
}

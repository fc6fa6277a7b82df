import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import type { PreparedTask } from '../evaluator/evaluate.ts';
import { taskConfigHash } from '../report/hashes.ts';
import { readResultsFile, readSamplesFile } from '../report/read.ts';
import { sampleRows } from '../report/samples.ts';
import type { ResultsReport, SampleRow } from '../report/schema.ts';
import { stableStringify } from '../util/stable-json.ts';
import { executeRun, parseRunFlags } from './run.ts';

/**
 * `evalboard reproduce RESULTS.json`: rerun from the results file's `config` block alone. Before
 * any request it checks that the model file, every task config and every data file hash as
 * recorded; afterwards it compares each doc's metrics with the recorded samples file (or, without
 * one, the aggregated results).
 */
export function registerReproduce(program: Command): void {
  program
    .command('reproduce <results>')
    .description('rerun a results file and check every input hash and per-item metric')
    .option('--output_path <dir>', 'where the rerun writes its files (default: a temporary folder)')
    .action(async (file: string, flags: { output_path?: string }) => {
      const recorded = readResultsFile(file);
      const runFlags = parseRunFlags(recorded.config.argv);
      const outputPath = flags.output_path ?? mkdtempSync(join(tmpdir(), 'evalboard-reproduce-'));
      const { outcomes } = await executeRun(
        { ...runFlags, output_path: outputPath, log_samples: true, no_cache: true, quiet: true },
        recorded.config.argv,
        { beforeDispatch: (prepared, backend) => checkInputs(recorded, prepared, backend.info.modelId) },
      );
      let allMatch = true;
      for (const outcome of outcomes) {
        const name = outcome.task.name;
        const before = recordedSamples(file, name);
        const verdict = before
          ? compareSamples(before, sampleRows(outcome))
          : compareAggregates(recorded, name, outcome);
        allMatch &&= verdict.match;
        process.stdout.write(`${name}: ${verdict.message}\n`);
      }
      process.stdout.write(allMatch ? 'reproduced: every per-item metric matches\n' : 'NOT reproduced\n');
      if (!allMatch) process.exitCode = 1;
    });
}

/** Names every input whose hash differs from the recorded one; nothing is evaluated then. */
function checkInputs(recorded: ResultsReport, prepared: readonly PreparedTask[], modelId: string): void {
  const problems: string[] = [];
  if (recorded.config.backend.modelId !== modelId)
    problems.push(`model: recorded ${recorded.config.backend.modelId}, now ${modelId}`);
  for (const { task, docs } of prepared) {
    const was = recorded.evalboard.tasks[task.name];
    if (!was) {
      problems.push(`${task.name}: not in the recorded results`);
      continue;
    }
    const taskHash = taskConfigHash(task.config);
    if (was.task_hash !== taskHash)
      problems.push(`${task.name}: task config changed (sha256 ${taskHash.slice(0, 12)}…)`);
    const nowSources = docs.sources ?? {};
    for (const [path, src] of Object.entries(was.sources ?? {})) {
      const now = nowSources[path];
      if (!now) problems.push(`${task.name}: data file ${path} no longer read`);
      else if (now.sha256 !== src.sha256)
        problems.push(`${task.name}: data file ${path} changed (sha256 ${now.sha256.slice(0, 12)}…)`);
    }
  }
  if (problems.length > 0) throw new UserError(`inputs differ from the recorded run: ${problems.join('; ')}`);
}

/** samples_<task>_<timestamp>.jsonl written next to results_<timestamp>.json by the same run. */
function recordedSamples(resultsFile: string, task: string): SampleRow[] | undefined {
  const stamp = basename(resultsFile)
    .replace(/^results_/, '')
    .replace(/\.json$/, '');
  const dir = dirname(resultsFile);
  const exact = `samples_${task}_${stamp}.jsonl`;
  const name = existsSync(join(dir, exact))
    ? exact
    : readdirSync(dir).find((f) => f.startsWith(`samples_${task}_`) && f.endsWith(`${stamp}.jsonl`));
  return name === undefined ? undefined : readSamplesFile(join(dir, name));
}

function compareSamples(
  before: readonly SampleRow[],
  after: readonly SampleRow[],
): { match: boolean; message: string } {
  const key = (r: SampleRow) => `${r.doc_id}\u0000${r.filter}`;
  const now = new Map(after.map((r) => [key(r), r]));
  let differ = 0;
  let first = '';
  for (const row of before) {
    const other = now.get(key(row));
    const metrics = row.metrics;
    const bad = !other ? metrics : metrics.filter((m) => stableStringify(row[m]) !== stableStringify(other[m]));
    if (bad.length > 0) {
      differ++;
      first ||= `doc ${row.doc_id} ${bad[0]}: ${stableStringify(row[bad[0]!])} → ${other ? stableStringify(other[bad[0]!]) : 'missing'}`;
    }
  }
  return differ === 0
    ? { match: true, message: `${before.length} samples, every per-item metric matches` }
    : { match: false, message: `${differ} of ${before.length} samples differ (first: ${first})` };
}

function compareAggregates(
  recorded: ResultsReport,
  task: string,
  outcome: { summaries: readonly { metric: string; filter: string; value: number }[] },
) {
  const was = recorded.results[task] ?? {};
  const diffs = outcome.summaries.filter((s) => was[`${s.metric},${s.filter}`] !== s.value);
  return diffs.length === 0
    ? { match: true, message: 'no samples file recorded; aggregated metrics match' }
    : { match: false, message: `aggregated ${diffs.map((d) => `${d.metric},${d.filter}`).join(', ')} differ` };
}

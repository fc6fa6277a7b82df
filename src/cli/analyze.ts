import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  analysisCsv,
  analysisHtml,
  analysisText,
  analyzeRuns,
  checkContamination,
  readLeaderboardCsv,
  readResultsInputs,
  type RunResults,
  readSamplesFile,
  samplesForInput,
  type TaskSamples,
} from '../analysis/index.ts';
import { UserError } from '../errors.ts';
import { positiveInteger } from './compare.ts';

interface AnalyzeFlags {
  json?: string;
  html?: string;
  csv_dir?: string;
  metric?: string;
  threshold: string;
  top_k: string;
  n_items?: string;
  csv_model?: string;
  csv_step?: string;
  csv_scores?: string;
  contamination?: string[];
  ngram: string;
}

/**
 * `evalboard analyze INPUTS…`: benchmark quality from results files, folders of them, leaderboard
 * CSVs and samples files — monotonicity over checkpoints and sizes, agreement between tasks,
 * saturation and separability, and with --contamination, n-gram overlap with a corpus.
 */
export function registerAnalyze(program: Command): void {
  program
    .command('analyze <inputs...>')
    .addHelpText('after', '\nA results file or folder may end in @STEP to give its training step (e.g. run.json@3000).')
    .description('benchmark quality: monotonicity, agreement, saturation, contamination')
    .option('--json <file>', 'write the analysis as JSON')
    .option('--html <file>', 'write a self-contained HTML page')
    .option('--csv_dir <dir>', 'write the tables and correlation matrices as CSV files')
    .option('--metric <name>', 'metric to analyse (default: acc, acc_norm, exact_match or the first per task)')
    .option('--threshold <rho>', 'flag tasks whose Spearman ρ with step is below this', '0.5')
    .option('--top_k <k>', 'models in the top-k spread', '10')
    .option('--n_items <task=n,...>', 'items per task, for binomial CIs where results carry no stderr')
    .option('--csv_model <column>', 'leaderboard CSV: the model column')
    .option('--csv_step <column>', 'leaderboard CSV: the training-step column')
    .option('--csv_scores <columns>', 'leaderboard CSV: comma-separated score columns (default: every numeric one)')
    .option('--contamination <corpus...>', 'text or JSONL corpus files to check the tasks’ documents against')
    .option('--ngram <n>', 'words per n-gram for --contamination', '13')
    .action(async (inputs: string[], flags: AnalyzeFlags) => {
      const threshold = Number(flags.threshold);
      if (!Number.isFinite(threshold))
        throw new UserError(`"${flags.threshold}" is not a number`, { field: '--threshold' });
      const { runs, samples } = readInputs(inputs, flags);
      const report = {
        ...analyzeRuns(runs, {
          ...(flags.metric ? { metric: flags.metric } : {}),
          threshold,
          topK: positiveInteger(flags.top_k, '--top_k'),
          ...(flags.n_items ? { itemCounts: parseItemCounts(flags.n_items) } : {}),
        }),
        ...(flags.contamination
          ? {
              contamination: await contaminationOf(
                samples,
                flags.contamination,
                positiveInteger(flags.ngram, '--ngram'),
              ),
            }
          : {}),
      };
      process.stdout.write(analysisText(report));
      if (flags.json) writeFileSync(flags.json, `${JSON.stringify(report, null, 2)}\n`);
      if (flags.html) writeFileSync(flags.html, analysisHtml(report));
      if (flags.csv_dir) {
        mkdirSync(flags.csv_dir, { recursive: true });
        for (const [name, text] of Object.entries(analysisCsv(report))) writeFileSync(join(flags.csv_dir, name), text);
      }
    });
}

/** CSVs are leaderboards, JSONL files are samples (for contamination), anything else results files or folders. */
function readInputs(inputs: readonly string[], flags: AnalyzeFlags): { runs: RunResults[]; samples: TaskSamples[] } {
  const runs: RunResults[] = [];
  const samples: TaskSamples[] = [];
  for (const input of inputs) {
    if (/\.csv$/i.test(input)) {
      runs.push(
        ...readLeaderboardCsv(input, {
          ...(flags.csv_model ? { model: flags.csv_model } : {}),
          ...(flags.csv_step ? { step: flags.csv_step } : {}),
          ...(flags.csv_scores ? { scores: flags.csv_scores.split(',') } : {}),
        }),
      );
    } else if (/\.jsonl$/i.test(input)) {
      samples.push(readSamplesFile(input));
    } else {
      const { path, step } = splitStep(input);
      const read = readResultsInputs([path]);
      runs.push(...(step === undefined ? read : read.map((run) => ({ ...run, step }))));
      if (flags.contamination && /\.json$/i.test(path)) samples.push(...samplesForInput(path));
    }
  }
  return { runs, samples };
}

async function contaminationOf(samples: TaskSamples[], corpora: string[], ngram: number) {
  if (samples.length === 0) {
    throw new UserError('needs samples: give samples files, or results files with samples next to them', {
      field: '--contamination',
    });
  }
  // The same task from several runs: keep them apart (each is rescored on its own metrics).
  const labelled = samples.map((s, i) =>
    samples.filter((o) => o.task === s.task).length > 1 ? { ...s, task: `${s.task} [${i + 1}]` } : s,
  );
  return checkContamination(labelled, corpora, { ngram });
}

/**
 * `results.json@3000` gives a run's training step when neither its model_args nor its file name
 * say it (a path that really ends in `@digits` is taken as it is).
 */
function splitStep(input: string): { path: string; step?: number } {
  const match = /^(.+)@(\d+)$/.exec(input);
  if (!match || existsSync(input)) return { path: input };
  return { path: match[1]!, step: Number(match[2]) };
}

function parseItemCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const part of text.split(',')) {
    const eq = part.lastIndexOf('=');
    const n = Number(part.slice(eq + 1));
    if (eq <= 0 || !Number.isInteger(n) || n < 1)
      throw new UserError(`"${part}" is not TASK=N`, { field: '--n_items' });
    counts.set(part.slice(0, eq), n);
  }
  return counts;
}

import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  analyzeVariants,
  loadVariantItems,
  readResultsFile,
  reportHtml,
  samplesForInput,
  type VariantsReport,
} from '../analysis/index.ts';
import { isUserError } from '../errors.ts';
import { positiveInteger } from './compare.ts';

interface ReportFlags {
  html: string;
  metric?: string;
  seed: string;
}

/** `evalboard report RESULTS… --html FILE`: one self-contained page for one or more results files. */
export function registerReport(program: Command): void {
  program
    .command('report <results...>')
    .description('a self-contained HTML page: scores with CIs, group breakdowns, models side by side')
    .requiredOption('--html <file>', 'where to write the page')
    .option('--metric <name>', 'metric to show (default: acc, acc_norm, exact_match or the first per task)')
    .option('--seed <n>', 'seed for the paired tests between runs', '1234')
    .action((files: string[], flags: ReportFlags) => {
      const runs = files.map((file) => ({ results: readResultsFile(file), samples: samplesOrNull(file) }));
      const seed = positiveInteger(flags.seed, '--seed', true);
      const variants = variantsOrNull(files, seed);
      writeFileSync(
        flags.html,
        reportHtml(runs, {
          ...(flags.metric ? { metric: flags.metric } : {}),
          seed,
          ...(variants ? { variants } : {}),
        }),
      );
      const paired = runs.filter((r) => r.samples).length;
      process.stdout.write(`wrote ${flags.html} (${runs.length} runs, ${paired} with samples)\n`);
    });
}

/** Samples are optional for a report: without them, runs are compared by CI overlap. */
function samplesOrNull(file: string) {
  try {
    return samplesForInput(file);
  } catch (e) {
    if (isUserError(e)) return null;
    throw e;
  }
}

/** The variants section, where the runs hold two or more variants of one benchmark with samples. */
function variantsOrNull(files: readonly string[], seed: number): VariantsReport | null {
  try {
    const report = analyzeVariants(loadVariantItems(files), { seed });
    return report.benchmarks.some((b) => b.variants.length > 1) ? report : null;
  } catch (e) {
    if (isUserError(e)) return null;
    throw e;
  }
}

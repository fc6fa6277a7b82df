import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { compareRuns, comparisonHtml, comparisonText, loadCompareRuns } from '../analysis/index.ts';
import { UserError } from '../errors.ts';

interface CompareFlags {
  json?: string;
  html?: string;
  seed: string;
  alpha: string;
  bootstrap_iters: string;
  metrics?: string;
}

/**
 * `evalboard compare A B [C …]`: each later run against the first, item by item, with paired CIs,
 * paired tests and a Holm–Bonferroni significance flag.
 */
export function registerCompare(program: Command): void {
  program
    .command('compare <runs...>')
    .description('paired comparison of runs on the same items (results files with samples, or samples files)')
    .option('--json <file>', 'write the comparison as JSON')
    .option('--html <file>', 'write a self-contained HTML page')
    .option('--seed <n>', 'seed for the bootstrap and permutation draws', '1234')
    .option('--alpha <a>', 'family-wise error rate for the significance flag', '0.05')
    .option('--bootstrap_iters <n>', 'bootstrap resamples', '1000')
    .option('--metrics <names>', 'comma-separated metrics to compare (default: all logged per item)')
    .action((inputs: string[], flags: CompareFlags) => {
      if (inputs.length < 2) throw new UserError('needs at least two runs', { field: 'runs' });
      const report = compareRuns(loadCompareRuns(inputs), {
        seed: positiveInteger(flags.seed, '--seed', true),
        alpha: probability(flags.alpha, '--alpha'),
        bootstrapIterations: positiveInteger(flags.bootstrap_iters, '--bootstrap_iters'),
        ...(flags.metrics ? { metrics: flags.metrics.split(',') } : {}),
      });
      process.stdout.write(comparisonText(report));
      if (flags.json) writeFileSync(flags.json, `${JSON.stringify(report, null, 2)}\n`);
      if (flags.html) writeFileSync(flags.html, comparisonHtml(report));
    });
}

export function positiveInteger(text: string, field: string, allowZero = false): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1))
    throw new UserError(`"${text}" is not a whole number`, { field });
  return value;
}

export function probability(text: string, field: string): number {
  const value = Number(text);
  if (!(value > 0 && value < 1)) throw new UserError(`"${text}" is not between 0 and 1`, { field });
  return value;
}

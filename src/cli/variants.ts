import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { analyzeVariants, loadVariantItems, variantsHtml, variantsText } from '../analysis/index.ts';
import { positiveInteger, probability } from './compare.ts';

interface VariantsFlags {
  json?: string;
  html?: string;
  seed: string;
  alpha: string;
  bootstrap_iters: string;
}

/**
 * `evalboard variants RESULTS…`: one benchmark scored by several implementations (mmlu_variants,
 * arc_challenge_variants), for one or more models: scores with CIs, per-item agreement (κ), and
 * how the models' ranking changes between variants (Kendall τ, flipped pairs).
 */
export function registerVariants(program: Command): void {
  program
    .command('variants <results...>')
    .description('how the implementation of a benchmark moves scores and rankings (results files with samples)')
    .option('--json <file>', 'write the analysis as JSON')
    .option('--html <file>', 'write a self-contained HTML page')
    .option('--seed <n>', 'seed for the bootstrap intervals', '1234')
    .option('--alpha <a>', 'significance level of each order in a flipped pair', '0.05')
    .option('--bootstrap_iters <n>', 'bootstrap resamples', '1000')
    .action((files: string[], flags: VariantsFlags) => {
      const report = analyzeVariants(loadVariantItems(files), {
        seed: positiveInteger(flags.seed, '--seed', true),
        alpha: probability(flags.alpha, '--alpha'),
        bootstrapIterations: positiveInteger(flags.bootstrap_iters, '--bootstrap_iters'),
      });
      process.stdout.write(variantsText(report));
      if (flags.json) writeFileSync(flags.json, `${JSON.stringify(report, null, 2)}\n`);
      if (flags.html) writeFileSync(flags.html, variantsHtml(report));
    });
}

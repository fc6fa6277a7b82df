import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import { exportMeraSubmission } from '../submissions/mera-export.ts';

interface ExportFlags {
  results: string;
  out: string;
  gold?: string;
}

/** `evalboard export mera --results DIR --out submission.zip`: a results folder as a leaderboard's submission file. */
export function registerExport(program: Command): void {
  program
    .command('export <format>')
    .description("write a run's results in a leaderboard's submission format (mera: the MERA website's ZIP)")
    .requiredOption('--results <dir>', 'results folder of the run (its --output_path, with --log_samples)')
    .requiredOption('--out <file>', 'the submission file to write')
    .option('--gold <dir>', 'also write gold answers (<Task>.json) for tasks whose local data has them')
    .action(async (format: string, flags: ExportFlags) => {
      if (format !== 'mera') {
        throw new UserError(`"${format}" is not an export format`, { field: 'format' }, 'the one format is mera');
      }
      const summary = await exportMeraSubmission(flags.results, flags.out, flags.gold ? { goldDir: flags.gold } : {});
      for (const t of summary.tasks) {
        process.stdout.write(`${t.file}: ${t.records} records${t.gold ? ', gold written' : ''}\n`);
      }
      for (const s of summary.skipped) process.stdout.write(`${s.task}: ${s.reason}\n`);
      process.stdout.write(`logs_public.zip: ${summary.logs.length} files\nwrote ${flags.out}\n`);
    });
}

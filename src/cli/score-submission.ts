import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import { isHostileArchiveError } from '../submissions/archive.ts';
import { type MeraSubmissionScore, scoreMeraSubmission } from '../submissions/mera-score.ts';

interface ScoreSubmissionFlags {
  gold: string;
  json?: boolean;
}

/** Errors printed per task in the table; --json lists all of them. */
const ERRORS_SHOWN_PER_TASK = 10;

function format(value: number | null): string {
  return value === null ? '-' : value.toFixed(4);
}

/** The scores as a table (task, status, score, headline metrics), then every error, then the total. */
export function submissionTable(result: MeraSubmissionScore): string {
  const rows = Object.entries(result.tasks).map(([task, r]) => {
    const headline = Object.entries(r.metrics)
      .filter(([name]) => !name.includes('.'))
      .map(([name, v]) => `${name}=${v.toFixed(4)}`)
      .join(' ');
    const extra = Object.keys(r.metrics).filter((name) => name.includes('.')).length;
    return [task, r.use_in_total ? 'yes' : 'no', r.status, format(r.score), headline + (extra ? ` (+${extra})` : '')];
  });
  const header = ['task', 'in total', 'status', 'score', 'metrics'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  for (const [task, r] of Object.entries(result.tasks)) {
    if (r.errors.length === 0) continue;
    out.push('', `${task}: ${r.errors.length} error(s), task scored 0`);
    for (const e of r.errors.slice(0, ERRORS_SHOWN_PER_TASK)) out.push(`  [${e.type}] ${e.message}`);
    if (r.errors.length > ERRORS_SHOWN_PER_TASK) {
      out.push(`  … and ${r.errors.length - ERRORS_SHOWN_PER_TASK} more (--json lists all)`);
    }
  }
  for (const n of result.not_computable) out.push('', `${n.task}: not scored: ${n.reason}`);
  const over =
    result.total_over.length === result.use_in_total.length
      ? `MERA's ${result.use_in_total.length} in-total tasks`
      : `the ${result.total_over.length} of MERA's ${result.use_in_total.length} in-total tasks the gold folder has`;
  out.push('', `total: ${format(result.total)} (mean over ${over}; missing or erroneous ones count 0)`);
  out.push(`ready for public: ${result.ready_for_public ? 'yes' : 'no'}`);
  return `${out.join('\n')}\n`;
}

/** `evalboard score-submission submission.zip --gold DIR`: MERA's website scoring, run locally. */
export function registerScoreSubmission(program: Command): void {
  program
    .command('score-submission <archive>')
    .description("score a MERA submission ZIP against a folder of gold answers, by the MERA website's rules")
    .requiredOption('--gold <dir>', 'gold answers: one <Task>.json per task (export mera --gold writes them)')
    .option('--json', 'print the full result as JSON')
    .action(async (archive: string, flags: ScoreSubmissionFlags) => {
      let result: MeraSubmissionScore;
      try {
        result = await scoreMeraSubmission(archive, flags.gold);
      } catch (e) {
        if (isHostileArchiveError(e)) throw new UserError(`refused: ${e.message}`, { file: archive });
        throw e;
      }
      // The per-item outputs and prompts are the service's sample viewer's; the report is the scores.
      const report = (key: string, value: unknown) => (key === 'items' || key === 'prompts' ? undefined : value);
      process.stdout.write(flags.json ? `${JSON.stringify(result, report, 2)}\n` : submissionTable(result));
    });
}

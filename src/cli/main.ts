import { Command, CommanderError } from 'commander';
import { isUserError } from '../errors.ts';
import { registerAdmin } from './admin.ts';
import { registerAnalyze } from './analyze.ts';
import { evalboardVersion } from '../util/version.ts';
import { registerBuildNative } from './build-native.ts';
import { registerCompare } from './compare.ts';
import { registerExport } from './export.ts';
import { registerGenerate } from './generate.ts';
import { registerJudge } from './judge.ts';
import { normalizeFlags } from './options.ts';
import { registerReport } from './report.ts';
import { registerReproduce } from './reproduce.ts';
import { registerRun } from './run.ts';
import { registerScore } from './score.ts';
import { registerServe } from './serve.ts';
import { registerScoreSubmission } from './score-submission.ts';
import { registerTasks } from './tasks.ts';
import { registerVariants } from './variants.ts';
import { registerWorker } from './worker.ts';

const program = new Command('evalboard')
  .description('Evaluate language models on lm-eval-compatible tasks')
  .version(evalboardVersion(), '--version', 'print the evalboard version')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });
registerRun(program);
registerTasks(program);
registerBuildNative(program);
registerReproduce(program);
registerCompare(program);
registerAnalyze(program);
registerReport(program);
registerScore(program);
registerJudge(program);
registerGenerate(program);
registerVariants(program);
registerServe(program);
registerAdmin(program);
registerWorker(program);
registerScoreSubmission(program);
registerExport(program);

const argv = normalizeFlags(process.argv.slice(2));
const verbose = argv.includes('--verbose') || argv.includes('-v');
try {
  await program.parseAsync(argv, { from: 'user' });
} catch (e) {
  if (e instanceof CommanderError) {
    // Commander already printed its one-line message; help and version exit 0.
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (isUserError(e)) {
    process.stderr.write(`error: ${e.format()}\n`);
    if (verbose && e.stack) process.stderr.write(`${e.stack}\n`);
    process.exitCode = e.exitCode;
  } else {
    process.stderr.write(
      verbose
        ? `${(e as Error)?.stack ?? e}\n`
        : `error: ${(e as Error)?.message ?? e} (run with --verbose for the stack)\n`,
    );
    process.exitCode = 1;
  }
}

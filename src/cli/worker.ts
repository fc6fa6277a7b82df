import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import { openDatabase } from '../service/db/open.ts';
import { openJobQueue, type PgBossJobQueue } from '../service/jobs/pgboss-queue.ts';
import { type RunHarness, type RunningWorker, startWorker, type Upload } from '../worker/index.ts';
import { submitToService } from '../worker/submit.ts';
import { uploadAsSubmission } from '../worker/upload.ts';
import { parseNonNegativeInt } from './options.ts';
import { executeRun, parseRunFlags } from './run.ts';

interface WorkerFlags {
  work_dir: string;
  limit?: string;
  suites_dir: string[];
  poll_interval: string;
}

const DEFAULT_WORK_DIR = join(homedir(), '.local', 'share', 'evalboard', 'worker');

/** `evalboard worker`: takes approved evaluation requests from the service's queue (DATABASE_URL) and runs them. */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run approved evaluation requests from the leaderboard service’s job queue (needs DATABASE_URL)')
    .option(
      '--work_dir <dir>',
      'per-request caches and outputs (a retry here resumes from its cache)',
      DEFAULT_WORK_DIR,
    )
    .option('--limit <n>', 'documents per task, for a smoke test (results are then marked non-standard)')
    .option(
      '--suites_dir <dir>',
      'a folder of suite YAML files (<id>.yaml) the service has beyond the shipped ones; repeatable',
      (dir: string, dirs: string[]) => [...dirs, resolve(dir)],
      [] as string[],
    )
    .option('--poll_interval <s>', 'seconds between looks at an empty queue', '2')
    .action(async (flags: WorkerFlags) => {
      const url = process.env.DATABASE_URL;
      if (!url)
        throw new UserError(
          'a worker needs the service’s PostgreSQL database',
          { field: 'DATABASE_URL' },
          'set DATABASE_URL=postgres://user@host/db (with the embedded database, `evalboard serve` runs its own worker)',
        );
      const pollingIntervalSeconds = Number(flags.poll_interval);
      if (!(pollingIntervalSeconds >= 0.5))
        throw new UserError(`${flags.poll_interval} is not a number of seconds ≥ 0.5`, { field: '--poll_interval' });
      const limit = parseNonNegativeInt(flags.limit, '--limit');
      const database = await openDatabase({ databaseUrl: url });
      const queue = await openJobQueue({ connectionString: url });
      const worker = await startInProcessWorker(queue, {
        upload: uploadAsSubmission(submitToService(database.db)),
        workDir: resolve(flags.work_dir),
        pollingIntervalSeconds,
        suitesDirs: flags.suites_dir,
        ...(limit !== undefined ? { limit } : {}),
      });
      process.stderr.write(`worker: waiting for jobs (work folder ${resolve(flags.work_dir)})\n`);
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGTERM', stop);
          // The job in hand (if any) is abandoned: it expires and another worker resumes it.
          void worker
            .stop(true)
            .then(() => queue.close())
            .then(() => database.close())
            .finally(done);
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
    });
}

export interface InProcessWorkerOptions {
  readonly workDir: string;
  /** Default: results stay in the work folder (the job's output says where). */
  readonly upload?: Upload;
  readonly limit?: number;
  readonly suitesDirs?: readonly string[];
  readonly pollingIntervalSeconds?: number;
}

/** A worker on `queue` in this process (`evalboard serve` with the embedded database runs one). */
export function startInProcessWorker(queue: PgBossJobQueue, o: InProcessWorkerOptions): Promise<RunningWorker> {
  return startWorker(queue, {
    workDir: o.workDir,
    runHarness,
    upload: o.upload ?? (async () => null),
    ...(o.limit !== undefined ? { limit: o.limit } : {}),
    ...(o.suitesDirs ? { suitesDirs: o.suitesDirs } : {}),
    ...(o.pollingIntervalSeconds !== undefined ? { pollingIntervalSeconds: o.pollingIntervalSeconds } : {}),
  });
}

/** The job's command line through `evalboard run` itself, in this process. */
const runHarness: RunHarness = async (argv, hooks) => {
  const { resultsPath } = await executeRun(parseRunFlags(argv), argv, hooks);
  return { resultsPath };
};

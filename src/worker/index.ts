import type { PgBossJobQueue } from '../service/jobs/pgboss-queue.ts';
import { type RunHarness, runJob, type Upload } from './run-job.ts';

export { type Finished, harnessArgv, type RunHarness, type Upload } from './run-job.ts';

export interface WorkerOptions {
  readonly workDir: string;
  readonly runHarness: RunHarness;
  readonly upload: Upload;
  readonly limit?: number;
  readonly suitesDirs?: readonly string[];
  readonly pollingIntervalSeconds?: number;
  /** One line per job started, finished or failed. */
  readonly log?: (line: string) => void;
}

export interface RunningWorker {
  /** Stops taking jobs; `abandon` leaves the job in hand to expire and be retried elsewhere. */
  stop(abandon?: boolean): Promise<void>;
}

/** Takes evaluation jobs off the queue one at a time and runs each through the harness. */
export async function startWorker(queue: PgBossJobQueue, o: WorkerOptions): Promise<RunningWorker> {
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  await queue.work(
    async (job) => {
      const what = `job ${job.id} (request ${job.requestId}: ${job.model} on ${job.suite}, attempt ${job.attempt})`;
      log(`worker: started ${what}`);
      try {
        const done = await runJob(job, {
          workDir: o.workDir,
          runHarness: o.runHarness,
          upload: o.upload,
          reportProgress: (p) => queue.reportProgress(job.id, p),
          ...(o.limit !== undefined ? { limit: o.limit } : {}),
          ...(o.suitesDirs ? { suitesDirs: o.suitesDirs } : {}),
        });
        log(
          `worker: finished ${what}: ${done.resultsPath}${done.submissionId === null ? '' : `, submission ${done.submissionId}`}`,
        );
        return done;
      } catch (e) {
        log(`worker: failed ${what}: ${(e as Error).message.split('\n')[0]}`);
        throw e;
      }
    },
    { pollingIntervalSeconds: o.pollingIntervalSeconds ?? 2 },
  );
  return { stop: (abandon = false) => queue.stopWorking(abandon) };
}

import { createHash } from 'node:crypto';
import { type Db, fromPglite, type JobResult, PgBoss, type PGliteLike } from 'pg-boss';
import { clearProgress, createProgressTable, readProgress, writeProgress } from './progress.ts';
import type { EnqueueRequest, JobInfo, JobProgress, JobQueue, JobState } from './types.ts';

/** The queue evaluation jobs wait in, and where those that failed for good are copied. */
export const EVALUATION_QUEUE = 'evaluation';
export const DEAD_LETTER_QUEUE = 'evaluation_dead';
/** Uploads waiting to be scored (the data is the submission id); `serve` takes them in-process. */
export const SCORING_QUEUE = 'scoring';
const SCORING_RETRY_LIMIT = 2;

/** PostgreSQL (pg-boss keeps a small pool of its own) or the embedded PGlite the service already opened. */
export type QueueDatabase = { readonly connectionString: string } | { readonly pglite: PGliteLike };

export interface QueueTiming {
  /** Longest one attempt may run before it is failed and retried (default 24 h, pg-boss's ceiling). */
  readonly expireInSeconds?: number;
  /**
   * A worker touches its job this often / 2; one silent this long is taken as dead and its job is
   * retried (default 60 s; pg-boss's floor is 10). This is how a SIGKILLed worker is noticed well
   * before the run-time expiry.
   */
  readonly heartbeatSeconds?: number;
  /** Attempts after the first (default 3). */
  readonly retryLimit?: number;
  /** First retry delay; doubled each retry with jitter (default 30 s). */
  readonly retryDelaySeconds?: number;
  /** How often this instance looks for jobs to expire (default 60 s; only one instance does it at a time). */
  readonly superviseIntervalSeconds?: number;
}

/** A job as a worker receives it. */
export interface ClaimedJob {
  readonly id: string;
  readonly requestId: number;
  readonly model: string;
  readonly modelArgs: string | null;
  readonly suite: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Aborted when pg-boss gives up on this attempt (stop() or the job expired under us). */
  readonly signal: AbortSignal;
}

export interface JobDone {
  readonly submissionId: number | null;
  /** Where the worker left the results file (on the worker's machine). */
  readonly resultsPath: string;
}

/** A failure no retry can fix (a model path that does not exist): the job fails at once, to the dead letters. */
export class PermanentJobError extends Error {}

export interface WorkOptions {
  /** Seconds between polls when the queue is empty (default 2). */
  readonly pollingIntervalSeconds?: number;
}

interface JobData {
  readonly requestId: number;
  readonly model: string;
  readonly modelArgs: string | null;
  readonly suite: string;
}

const DAY = 24 * 60 * 60;
const DEFAULT_TIMING: Required<QueueTiming> = {
  expireInSeconds: DAY,
  heartbeatSeconds: 60,
  retryLimit: 3,
  retryDelaySeconds: 30,
  superviseIntervalSeconds: 60,
};
/** pg-boss's messages for the two ways an attempt expires (plans.js, failJobsByTimeout/ByHeartbeat). */
const EXPIRY_MESSAGES = new Set(['job timed out', 'job heartbeat timeout']);

/** Opens pg-boss in its own schema (`pgboss`) of the given database, creating it and the queues on first use. */
export async function openJobQueue(db: QueueDatabase, timing: QueueTiming = {}): Promise<PgBossJobQueue> {
  const t = { ...DEFAULT_TIMING, ...timing };
  const common = {
    superviseIntervalSeconds: t.superviseIntervalSeconds,
    // Expiry is checked in the monitor pass, which otherwise runs once a minute whatever supervise says.
    monitorIntervalSeconds: t.superviseIntervalSeconds,
    registerInstance: false,
  };
  const boss =
    'pglite' in db
      ? new PgBoss({ ...common, db: fromPglite(db.pglite), backend: 'pglite' })
      : new PgBoss({ ...common, connectionString: db.connectionString, max: 4, application_name: 'evalboard-jobs' });
  // pg-boss reports maintenance errors as events; unhandled, an 'error' event would kill the process.
  boss.on('error', (e: Error) => process.stderr.write(`job queue: ${e.message}\n`));
  await boss.start();
  const sql = boss.getDb();
  await createProgressTable(sql);
  await boss.createQueue(DEAD_LETTER_QUEUE, { retentionSeconds: 365 * DAY, deleteAfterSeconds: 0 });
  await boss.createQueue(EVALUATION_QUEUE, {
    // One queued-or-active job per singleton key (the request), on top of the request's fixed job id.
    policy: 'exclusive',
    deadLetter: DEAD_LETTER_QUEUE,
    // Finished jobs are kept: the request page shows their outcome for as long as the request exists.
    deleteAfterSeconds: 0,
    retentionSeconds: 365 * DAY,
  });
  await boss.createQueue(SCORING_QUEUE, { retentionSeconds: 7 * DAY, deleteAfterSeconds: DAY });
  return new PgBossJobQueue(boss, sql, t);
}

export class PgBossJobQueue implements JobQueue {
  constructor(
    private readonly boss: PgBoss,
    private readonly sql: Db,
    private readonly timing: Required<QueueTiming>,
  ) {}

  async enqueue(req: EnqueueRequest): Promise<string> {
    const id = jobIdFor(req.requestId);
    const data: JobData = { requestId: req.requestId, model: req.model, modelArgs: req.modelArgs, suite: req.suite };
    // A second enqueue of the same request (two approvals racing, a retried HTTP call) inserts
    // nothing: the id is derived from the request, so the first job stays the only one.
    await this.boss.send(EVALUATION_QUEUE, data, {
      id,
      singletonKey: singletonKeyFor(req.requestId),
      priority: req.priority,
      expireInSeconds: this.timing.expireInSeconds,
      heartbeatSeconds: this.timing.heartbeatSeconds,
      retryLimit: this.timing.retryLimit,
      retryDelay: this.timing.retryDelaySeconds,
      retryBackoff: true,
    });
    return id;
  }

  /**
   * pg-boss's state, except: `expired` for a job that failed for good because its worker stopped
   * answering (heartbeat lost, or run time exceeded) — with retries left that job is `retry`, the
   * reason in `error` — and `failed` for one cancelled (rejected after approval). `attempts` counts
   * attempts started; `progress` is the running attempt's, or the finished job's last.
   */
  async getJob(jobId: string): Promise<JobInfo | null> {
    if (!UUID.test(jobId)) return null;
    const job = await this.boss.getJobById<JobData>(EVALUATION_QUEUE, jobId);
    if (!job) return null;
    const output = (job.output ?? null) as Record<string, unknown> | null;
    const error =
      job.state === 'completed'
        ? null
        : job.state === 'cancelled'
          ? 'cancelled: the request was rejected after approval'
          : failureMessage(output);
    const state: JobState =
      job.state === 'failed' && error !== null && EXPIRY_MESSAGES.has(error)
        ? 'expired'
        : job.state === 'cancelled'
          ? 'failed'
          : job.state;
    const progress =
      job.state === 'completed'
        ? ((output?.progress as JobProgress | undefined) ?? null)
        : await readProgress(this.sql, jobId);
    return {
      id: job.id,
      requestId: job.data.requestId,
      state,
      progress,
      attempts: job.state === 'created' ? 0 : job.retryCount + 1,
      submissionId: typeof output?.submission_id === 'number' ? output.submission_id : null,
      error: error === null ? null : describeFailure(error, job.state, job.retryCount, job.retryLimit),
    };
  }

  async queuePositions(): Promise<ReadonlyMap<number, number>> {
    // The order pg-boss's fetch takes jobs in: priority, then age. Read from its own job table,
    // which the public API offers no ordered listing of.
    const { rows } = await this.sql.executeSql(
      `SELECT (data->>'requestId')::int AS request_id FROM pgboss.job
        WHERE name = $1 AND state IN ('created', 'retry')
        ORDER BY priority DESC, created_on, id`,
      [EVALUATION_QUEUE],
    );
    return new Map(rows.map((r: { request_id: number }, i: number) => [r.request_id, i + 1]));
  }

  /** Where the worker left a completed job's results file (a path on the worker's machine). */
  async resultsPath(jobId: string): Promise<string | null> {
    if (!UUID.test(jobId)) return null;
    const job = await this.boss.getJobById(EVALUATION_QUEUE, jobId);
    const output = job?.state === 'completed' ? (job.output as { results_path?: unknown } | null) : null;
    return typeof output?.results_path === 'string' ? output.results_path : null;
  }

  /** New votes on an approved request still waiting: it moves up (or down) the queue. */
  async setPriority(requestId: number, priority: number): Promise<void> {
    await this.boss.update(EVALUATION_QUEUE, undefined, { id: jobIdFor(requestId), priority });
  }

  /** A request rejected after approval: its job stops being taken (a running attempt is aborted). */
  async cancel(requestId: number): Promise<void> {
    await this.boss.cancel(EVALUATION_QUEUE, jobIdFor(requestId));
  }

  /**
   * Takes jobs one at a time until stopWorking(): `run` returning completes the job; throwing
   * fails the attempt (retried with backoff), a PermanentJobError fails the job for good.
   */
  async work(run: (job: ClaimedJob) => Promise<JobDone>, o: WorkOptions = {}): Promise<void> {
    await this.boss.work(
      EVALUATION_QUEUE,
      { perJobResults: true, pollingIntervalSeconds: o.pollingIntervalSeconds ?? 2 },
      async (jobs) => {
        const results: JobResult[] = [];
        for (const job of jobs) {
          const data = job.data as JobData;
          const claimed: ClaimedJob = { id: job.id, ...data, attempt: job.retryCount + 1, signal: job.signal };
          try {
            const done = await run(claimed);
            const progress = await readProgress(this.sql, job.id);
            results.push({
              id: job.id,
              status: 'completed',
              output: { submission_id: done.submissionId, results_path: done.resultsPath, progress },
            });
            await clearProgress(this.sql, job.id);
          } catch (e) {
            const message = oneLine(e);
            results.push({
              id: job.id,
              status: e instanceof PermanentJobError ? 'deadletter' : 'failed',
              output: { message },
            });
          }
        }
        return results;
      },
    );
  }

  /** Stops taking jobs; waits for the one in hand unless `abandon` (the attempt then expires and is retried). */
  async stopWorking(abandon = false): Promise<void> {
    await this.boss.offWork(EVALUATION_QUEUE, { wait: !abandon });
  }

  async reportProgress(jobId: string, progress: JobProgress): Promise<void> {
    await writeProgress(this.sql, jobId, progress);
  }

  /** This instance's scoring workers: woken when this instance queues an upload, instead of at their next poll. */
  private readonly scoringWorkers = new Set<string>();

  async enqueueScoring(submissionId: number): Promise<void> {
    // One job per submission; a scoring attempt that dies (the server stopped) is retried by
    // another server's worker, and the scorer leaves a finished submission as it is.
    await this.boss.send(
      SCORING_QUEUE,
      { submissionId },
      {
        singletonKey: `submission-${submissionId}`,
        retryLimit: SCORING_RETRY_LIMIT,
        retryDelay: 5,
        expireInSeconds: 3600,
      },
    );
    for (const id of this.scoringWorkers) this.boss.notifyWorker(id);
  }

  /**
   * Takes scoring jobs until stopScoring(id) with the id this returns. `score` is given the
   * submission id and whether this is the last attempt (the scorer then rejects the submission
   * instead of leaving it).
   */
  async workScoring(
    score: (submissionId: number, lastAttempt: boolean) => Promise<void>,
    o: WorkOptions = {},
  ): Promise<string> {
    const id = await this.boss.work(
      SCORING_QUEUE,
      { pollingIntervalSeconds: o.pollingIntervalSeconds ?? 2 },
      async ([job]) => {
        const { submissionId } = job!.data as { submissionId: number };
        await score(submissionId, job!.retryCount >= SCORING_RETRY_LIMIT);
      },
    );
    this.scoringWorkers.add(id);
    return id;
  }

  async stopScoring(workerId: string): Promise<void> {
    this.scoringWorkers.delete(workerId);
    await this.boss.offWork(SCORING_QUEUE, { id: workerId, wait: true });
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: true });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A request's job id: a name-based UUID of the request id, so one request can only ever have one job. */
export function jobIdFor(requestId: number): string {
  const h = createHash('sha1').update(`evalboard evaluation request ${requestId}`).digest('hex');
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const singletonKeyFor = (requestId: number) => `request-${requestId}`;

/** The failure pg-boss stored: ours ({message}), its expiry ({value: {message}}), or a serialized error. */
function failureMessage(output: Record<string, unknown> | null): string | null {
  if (!output) return null;
  const inner = (output.value ?? output) as Record<string, unknown>;
  return typeof inner.message === 'string' ? inner.message : null;
}

function describeFailure(message: string, state: string, retryCount: number, retryLimit: number): string {
  const why = EXPIRY_MESSAGES.has(message)
    ? `${message}: the worker stopped answering (killed, or its machine went away)`
    : message;
  return state === 'retry' ? `${why}; retry ${retryCount + 1} of ${retryLimit} pending` : why;
}

function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0]!.slice(0, 500);
}

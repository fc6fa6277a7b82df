import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isUserError } from '../errors.ts';
import { type ClaimedJob, type JobDone, PermanentJobError } from '../service/jobs/pgboss-queue.ts';
import type { JobProgress } from '../service/jobs/types.ts';

/** What the harness reports while it runs: requests planned, then each one answered (the evaluator's progress hook). */
export interface HarnessProgress {
  onPlanned(requests: number): void;
  onRequestDone(kind: string, tokens: number): void;
}

export interface HarnessHooks {
  readonly progress: HarnessProgress;
  /** Aborted when the queue gives up on this attempt. */
  readonly signal: AbortSignal;
}

/**
 * Runs `evalboard run` with these arguments in this process and says where the results file went.
 * The worker evaluates through the same command a user runs, so its results file records the same
 * setup (argv, versions, hashes) the service checks a user's submission against.
 */
export type RunHarness = (argv: readonly string[], hooks: HarnessHooks) => Promise<{ resultsPath: string | undefined }>;

export interface Finished {
  readonly requestId: number;
  readonly model: string;
  readonly modelArgs: string | null;
  readonly suite: string;
  /** The --output_path folder: the results file and its samples files, as a user would upload them. */
  readonly outputDir: string;
  readonly resultsPath: string;
}

/** Hands a finished run to the service's submission path; → the submission id, or null where nothing ingests it. */
export type Upload = (finished: Finished) => Promise<number | null>;

export interface RunJobOptions {
  /** Per-request folders live here: the request cache (kept across attempts) and each attempt's output. */
  readonly workDir: string;
  readonly runHarness: RunHarness;
  readonly upload: Upload;
  readonly reportProgress: (progress: JobProgress) => Promise<void>;
  /** Documents per task (smoke tests of a worker); the results then record a non-standard setup. */
  readonly limit?: number;
  /** Folders searched for `<suite id>.yaml` before the shipped suites (a suite the service added). */
  readonly suitesDirs?: readonly string[];
  /** Least time between two progress writes (default 2000 ms). */
  readonly progressIntervalMs?: number;
}

/** One attempt at one job: evaluate (resuming from the request's cache), upload, report. */
export async function runJob(job: ClaimedJob, o: RunJobOptions): Promise<JobDone> {
  const requestDir = join(o.workDir, `request-${job.requestId}`);
  // The cache is the request's, not the attempt's: a retry on this machine answers what an earlier
  // attempt already computed from it and only evaluates the rest.
  const cachePath = join(requestDir, 'cache.sqlite');
  const outputDir = join(requestDir, `attempt-${job.attempt}`);
  mkdirSync(outputDir, { recursive: true });
  const suite = suiteFile(job.suite, o.suitesDirs ?? []);
  const argv = harnessArgv({ ...job, suite }, { cachePath, outputDir, limit: o.limit });
  const progress = new ProgressReporter(o.reportProgress, o.progressIntervalMs ?? 2000);
  let resultsPath: string | undefined;
  try {
    ({ resultsPath } = await o.runHarness(argv, { progress, signal: job.signal }));
  } catch (e) {
    // A wrong model path or suite fails the same way on every attempt: no retry. A run stopped by
    // Ctrl-C or by the queue (exit code 130) is not the job's fault: it is retried, from the cache.
    if (isUserError(e) && e.exitCode !== 130 && !job.signal.aborted) throw new PermanentJobError(e.format());
    throw e;
  } finally {
    await progress.flush();
  }
  if (!resultsPath) throw new Error(`the run wrote no results file under ${outputDir}`);
  const submissionId = await o.upload({
    requestId: job.requestId,
    model: job.model,
    modelArgs: job.modelArgs,
    suite: job.suite,
    outputDir,
    resultsPath,
  });
  return { submissionId, resultsPath };
}

/** The `evalboard run` command line for a job: which backend the model spec names, and where files go. */
export function harnessArgv(
  job: Pick<ClaimedJob, 'model' | 'modelArgs' | 'suite'>,
  where: { readonly cachePath: string; readonly outputDir: string; readonly limit?: number | undefined },
): string[] {
  const { backend, location } = backendFor(job.model);
  const extra = job.modelArgs?.trim();
  const modelArgs = [location, ...(extra ? [extra] : [])].join(',');
  return [
    'run',
    '--model',
    backend,
    '--model_args',
    modelArgs,
    '--suite',
    job.suite,
    ...(where.limit !== undefined ? ['--limit', String(where.limit)] : []),
    '--output_path',
    where.outputDir,
    '--log_samples',
    '--use_cache',
    where.cachePath,
  ];
}

/** The first `<dir>/<id>.yaml` that exists, else the id as given (a shipped suite's name, or a path). */
function suiteFile(id: string, dirs: readonly string[]): string {
  if (/^[\w.-]+$/.test(id))
    for (const dir of dirs) {
      const file = join(dir, `${id}.yaml`);
      if (existsSync(file)) return file;
    }
  return id;
}

/** A GGUF path or `hf:` spec runs on llamacpp; an http(s) URL is an OpenAI-compatible endpoint. */
function backendFor(model: string): { backend: string; location: string } {
  if (model.includes(','))
    throw new PermanentJobError(`model ${model}: a comma cannot be passed in --model_args; rename the file or folder`);
  if (/^https?:\/\//.test(model)) return { backend: 'openai-completions', location: `base_url=${model}` };
  return { backend: 'llamacpp', location: `pretrained=${model}` };
}

/**
 * Counts requests as the evaluator answers them and writes done/total/ETA to the queue at most once
 * per interval (the hook fires per request, thousands a second from a cache).
 */
class ProgressReporter implements HarnessProgress {
  private total = 0;
  private done = 0;
  private readonly started = Date.now();
  private lastWrite = 0;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (p: JobProgress) => Promise<void>,
    private readonly intervalMs: number,
  ) {}

  onPlanned(requests: number): void {
    this.total = requests;
    this.enqueueWrite();
  }

  onRequestDone(): void {
    this.done++;
    if (Date.now() - this.lastWrite >= this.intervalMs) this.enqueueWrite();
  }

  async flush(): Promise<void> {
    if (this.total > 0) this.enqueueWrite();
    await this.pending;
  }

  private snapshot(): JobProgress {
    const seconds = (Date.now() - this.started) / 1000;
    const rate = this.done > 0 && seconds > 0 ? this.done / seconds : 0;
    return {
      done: this.done,
      total: this.total,
      eta_s: rate > 0 ? Math.round((this.total - this.done) / rate) : null,
    };
  }

  private enqueueWrite(): void {
    this.lastWrite = Date.now();
    const p = this.snapshot();
    // Writes go one after another; a failed write is reported and the run goes on (progress is advisory).
    this.pending = this.pending.then(() =>
      this.write(p).catch((e: Error) => {
        process.stderr.write(`warning: progress not recorded: ${e.message}\n`);
      }),
    );
  }
}

/**
 * The evaluation-job queue as the service sees it: approving a request enqueues it, the request
 * and job endpoints read it back. `openJobQueue` (./pgboss-queue.ts) implements it over pg-boss.
 */

export interface EnqueueRequest {
  /** evaluation_requests.id */
  readonly requestId: number;
  /** "hf:org/name", a GGUF path, or an OpenAI-compatible endpoint URL. */
  readonly model: string;
  /** Extra --model_args, as the requester gave them. */
  readonly modelArgs: string | null;
  /** Suite id ("openllm_v2") or a suite YAML path. */
  readonly suite: string;
  /** The request's votes at approval: higher runs first. */
  readonly priority: number;
}

/**
 * pg-boss's states, plus `expired`: a job whose last attempt's worker stopped answering
 * (heartbeat lost or run time exceeded) and that has no retry left. A job that expired with
 * retries left is `retry`, with the reason in `error`.
 */
export type JobState = 'created' | 'active' | 'completed' | 'failed' | 'retry' | 'expired';

export interface JobProgress {
  /** Requests answered so far in this attempt (cache hits included, so a resumed retry starts ahead). */
  readonly done: number;
  readonly total: number;
  /** Seconds left at this attempt's rate; null before a rate is known. */
  readonly eta_s: number | null;
}

export interface JobInfo {
  readonly id: string;
  readonly requestId: number;
  readonly state: JobState;
  readonly progress: JobProgress | null;
  /** Attempts started (0 while queued). */
  readonly attempts: number;
  /** Set when the worker's upload has been ingested. */
  readonly submissionId: number | null;
  /** The failure reason, one line. */
  readonly error: string | null;
}

export interface JobQueue {
  /** → the job's id; one job per request, ever: enqueueing a request again returns its job. */
  enqueue(req: EnqueueRequest): Promise<string>;
  getJob(jobId: string): Promise<JobInfo | null>;
  /** requestId → 1-based position among waiting jobs (created or retry), in the order workers take them. */
  queuePositions(): Promise<ReadonlyMap<number, number>>;
  close(): Promise<void>;
}

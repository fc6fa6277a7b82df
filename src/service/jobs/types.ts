/**
 * The evaluation-job queue the service calls when a maintainer approves a request. Implemented
 * with pg-boss in the same database (src/service/jobs/); the API reads job state through it only.
 */
export interface EnqueueRequest {
  /** evaluation_requests.id */
  readonly requestId: number;
  /** "hf:org/name", a GGUF path, or an OpenAI-compatible endpoint URL. */
  readonly model: string;
  /** Extra --model_args, as the requester gave them. */
  readonly modelArgs: string | null;
  /** Suite id, e.g. "openllm_v2". */
  readonly suite: string;
  /** The request's votes at approval: higher runs first. */
  readonly priority: number;
}

export type JobState = 'created' | 'active' | 'completed' | 'failed' | 'retry' | 'expired';

export interface JobProgress {
  readonly done: number;
  readonly total: number;
  readonly eta_s: number | null;
}

export interface JobInfo {
  readonly id: string;
  readonly requestId: number;
  readonly state: JobState;
  readonly progress: JobProgress | null;
  readonly attempts: number;
  /** Set once the worker's results have been ingested as a submission. */
  readonly submissionId: number | null;
  /** The failure reason, one line. */
  readonly error: string | null;
}

export interface JobQueue {
  /** Enqueues the request's evaluation (one job per request, however often it is called). */
  enqueue(request: EnqueueRequest): Promise<string>;
  getJob(jobId: string): Promise<JobInfo | null>;
  /** requestId → 1-based position among the jobs still waiting. */
  queuePositions(): Promise<ReadonlyMap<number, number>>;
  /** Queues an accepted upload's scoring (one job per submission). */
  enqueueScoring(submissionId: number): Promise<void>;
  /** Takes scoring jobs in this process until stopScoring(its id); see PgBossJobQueue.workScoring. */
  workScoring(score: (submissionId: number, lastAttempt: boolean) => Promise<void>): Promise<string>;
  stopScoring(workerId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Runs jobs 0..jobCount-1 on a fixed set of workers (context sequences), each worker taking the
 * next job as soon as it is free. node-llama-cpp merges the tokens that several sequences queue in
 * the same tick into one llama_decode, so this is where requests get batched.
 */
export async function runOnWorkers<W>(
  workers: readonly W[],
  jobCount: number,
  job: (jobIndex: number, worker: W) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failed = false;
  let firstError: unknown;
  const loop = async (worker: W): Promise<void> => {
    while (!failed && next < jobCount) {
      const jobIndex = next++;
      try {
        signal?.throwIfAborted();
        await job(jobIndex, worker);
      } catch (e) {
        // Stop the other workers at their next job (never mid-job: a sequence must not be left busy
        // when the call returns); the first error is the one reported.
        if (!failed) firstError = e;
        failed = true;
        return;
      }
    }
  };
  await Promise.all(workers.slice(0, Math.max(1, jobCount)).map(loop));
  if (failed) throw firstError;
}

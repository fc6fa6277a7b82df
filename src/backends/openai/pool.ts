/**
 * Runs `count` jobs on `workers` concurrent loops. After the first failure no new job starts, but
 * every job already running finishes (and reports its result) before the failure is thrown: a run
 * stopped by a server that keeps failing loses no response it had already received.
 */
export async function runJobs(
  count: number,
  workers: number,
  job: (index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const loop = async () => {
    while (!failure && next < count && !signal?.aborted) {
      const index = next++;
      try {
        await job(index);
      } catch (e) {
        failure ??= { error: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, count) }, loop));
  if (failure) throw failure.error;
  signal?.throwIfAborted();
}

/**
 * Job loops for `numConcurrent` requests in flight. A job whose request failed sleeps its backoff
 * outside the client's slot, so with only numConcurrent loops each sleeping job idles a slot (at
 * 10 % errors with a 250 ms backoff, about a quarter of them): twice as many loops keep every slot busy,
 * while the client's slots still bound what is in flight.
 */
export function jobLoops(numConcurrent: number): number {
  return 2 * numConcurrent;
}

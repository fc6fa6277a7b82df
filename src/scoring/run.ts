/**
 * Runs scoring jobs with at most `concurrency` in flight: sandboxed code and judge calls are slow
 * and bounded by CPU or a remote rate limit, while plain metrics finish in a microtask.
 */
export class ScoringQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly jobs: Promise<void>[] = [];

  constructor(private readonly concurrency: number) {
    if (!(concurrency >= 1)) throw new RangeError(`scoring concurrency must be >= 1, got ${concurrency}`);
  }

  /** Queues a job; its error surfaces from `drain()`, never as an unhandled rejection. */
  add(job: () => Promise<void>): void {
    const run = async () => {
      if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
      this.running++;
      try {
        await job();
      } finally {
        this.running--;
        this.waiting.shift()?.();
      }
    };
    const promise = run();
    promise.catch(() => undefined);
    this.jobs.push(promise);
  }

  /** Waits for every job queued so far (and any they queue), then rethrows the first failure. */
  async drain(): Promise<void> {
    let done = 0;
    let failure: { error: unknown } | undefined;
    while (done < this.jobs.length) {
      const end = this.jobs.length;
      for (const settled of await Promise.allSettled(this.jobs.slice(done, end)))
        if (settled.status === 'rejected') failure ??= { error: settled.reason };
      done = end;
    }
    if (failure) throw failure.error;
  }
}

import type { CacheEntry } from './store.ts';

/**
 * The journal writes and progress reports of one backend call, held until the backend's
 * current synchronous run ends (a microtask) and then committed together: a backend that
 * reports a whole batch at once costs one transaction per batch instead of one per result
 * (which made a cold-cache dummy run spend most of its time committing).
 *
 * Crash safety is unchanged: progress for a result is only reported after the transaction that
 * holds it has committed, so whatever a progress count or a log line has said is done is on
 * disk, and a kill loses only results that nobody has been told about yet.
 */
export class JournalBatch {
  private entries: CacheEntry[] = [];
  private reports: (() => void)[] = [];
  private scheduled = false;
  private deferredError: { error: unknown } | undefined;

  constructor(private readonly write: (entries: readonly CacheEntry[]) => void) {}

  /** A final result to journal. */
  add(entry: CacheEntry): void {
    this.entries.push(entry);
    this.schedule();
  }

  /** A progress report: now if nothing is waiting to be written, else right after that write. */
  report(callback: () => void): void {
    if (this.entries.length === 0 && this.reports.length === 0) callback();
    else {
      this.reports.push(callback);
      this.schedule();
    }
  }

  /** Writes what is pending, then reports it. */
  flush(): void {
    const { entries, reports } = this;
    this.entries = [];
    this.reports = [];
    if (entries.length > 0) this.write(entries);
    for (const callback of reports) callback();
  }

  /** Flushes; a progress callback that threw in a deferred flush throws here, in the caller's call. */
  finish(): void {
    this.flush();
    if (this.deferredError) throw this.deferredError.error;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      try {
        this.flush();
      } catch (error) {
        this.deferredError ??= { error };
      }
    });
  }
}

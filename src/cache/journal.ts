import type { CallOptions } from '../backends/types.ts';

/**
 * The resume journal's hook into backends.
 *
 * `CallOptions.onResult(index, tokens)` says *that* a result is final, not *what* it is, so on
 * its own the cache could only write when the whole call resolves: a crash an hour into a call
 * would lose the hour. Backends that also call `onResultValue(index, result)` let
 * `CachingBackend` commit each result the moment it is final (one small SQLite transaction per
 * group of results reported in the same tick, before their progress is reported; under WAL +
 * synchronous=NORMAL it survives the process being killed). A resumed run then only sends what
 * was never finished.
 *
 * It is an optional extension rather than a change to `CallOptions`, so backends adopt it one at
 * a time: a backend that ignores it still works, and its results are written when its call
 * resolves. Backends should call `reportResult` below, which fires both callbacks in the
 * right order (journal first, so the progress bar never counts a result that is not yet saved).
 *
 * Contract for backends: call it at most once per index, only with the final value that the
 * returned array will hold at that index, and never for a request that then fails.
 */
/** `CallOptions.onResultValue` carries the journal; kept as a name for callers of the cache. */
export type JournalCallOptions = CallOptions;

/**
 * What callers of `CachingBackend` may pass: `repeats[i]` is the repeat index of `reqs[i]`
 * (default 0), which is part of the cache key so that sampled repeats of one prompt each get
 * their own entry. A parallel array keeps the request types and the `Backend` interface
 * untouched; backends that are not caching simply ignore it.
 */
export interface CachedCallOptions extends CallOptions {
  readonly repeats?: readonly number[];
}

export { reportResult } from '../backends/types.ts';

import { forwardOptionalMethods, type OptionalMethods } from '../backends/optional-methods.ts';
import type { Backend, BackendInfo, Capability } from '../backends/types.ts';
import type {
  GenerateRequest,
  GenerateResult,
  LoglikelihoodRequest,
  LoglikelihoodResult,
  LoglikelihoodRollingRequest,
  LoglikelihoodRollingResult,
  Request,
  Result,
  ResultOf,
} from '../requests/types.ts';
import type { CachedCallOptions, JournalCallOptions } from './journal.ts';
import { JournalBatch } from './journal-batch.ts';
import { requestKey } from './key.ts';
import { isValidResult } from './result-schemas.ts';
import type { CacheEntry, RequestCache } from './store.ts';

/**
 * Rows per transaction when many results are written at once, so other writers get turns
 * (~100 ms each at most). Keys are random, so each row dirties its own page and the commit cost
 * grows with the number of transactions: 256-row chunks spent 5 s writing MMLU's 56k results,
 * 16k-row chunks under 0.5 s.
 */
const WRITE_CHUNK = 16_384;

export interface CachingBackendStats {
  /** Requests answered from the cache. */
  readonly hits: number;
  /** Requests the inner backend evaluated (each distinct key once). */
  readonly fresh: number;
  /** Requests with the same key as another miss in the same call, answered by that one's result. */
  readonly duplicates: number;
  /** Fresh results not written: invalid values (NaN, ±Infinity) or a failed write. */
  readonly notCached: number;
  readonly lastNotCachedReason: string | undefined;
}

/** One distinct missing key, and every position in the caller's array that wants its result. */
interface Miss<R extends Request> {
  readonly request: R;
  readonly key: string;
  readonly callerIndices: number[];
}

/** The optional methods (countTokens, applyChatTemplate...) the constructor forwards to the inner backend. */
export interface CachingBackend extends Partial<OptionalMethods> {}

/**
 * A Backend that answers from a RequestCache and sends only the misses to the wrapped backend,
 * as one array so the inner backend still batches (and shares prefixes) across them. Every
 * fresh result is written as soon as it is known (see journal.ts; results reported together
 * share a transaction, journal-batch.ts), so an interrupted run resumes where it stopped.
 * Failed calls write nothing for the failed requests: an error is never cached.
 *
 * Identical requests (same key) within one call are sent once; the first run then returns what
 * every later run will return from the cache.
 *
 * The cache is not owned: `close()` closes the inner backend, and whoever opened the cache
 * closes it (after reading its stats for the report).
 *
 * Optional methods are not cached: each one the inner backend has is forwarded to it, from the
 * one list in optional-methods.ts.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged members are all optional, and the constructor assigns those the inner backend has
export class CachingBackend implements Backend {
  readonly id: string;
  readonly info: BackendInfo;
  readonly capabilities: ReadonlySet<Capability>;
  readonly maxLength: number;
  private readonly counts = { hits: 0, fresh: 0, duplicates: 0, notCached: 0 };
  private lastNotCachedReason: string | undefined;

  constructor(
    private readonly inner: Backend,
    private readonly cache: RequestCache,
  ) {
    this.id = inner.id;
    this.info = inner.info;
    this.capabilities = inner.capabilities;
    this.maxLength = inner.maxLength;
    Object.assign(this, forwardOptionalMethods(inner));
  }

  loglikelihood(reqs: readonly LoglikelihoodRequest[], o?: CachedCallOptions): Promise<LoglikelihoodResult[]> {
    return this.answer(reqs, o, (misses, innerOptions) => this.inner.loglikelihood(misses, innerOptions));
  }

  loglikelihoodRolling(
    reqs: readonly LoglikelihoodRollingRequest[],
    o?: CachedCallOptions,
  ): Promise<LoglikelihoodRollingResult[]> {
    return this.answer(reqs, o, (misses, innerOptions) => this.inner.loglikelihoodRolling(misses, innerOptions));
  }

  generateUntil(reqs: readonly GenerateRequest[], o?: CachedCallOptions): Promise<GenerateResult[]> {
    return this.answer(reqs, o, (misses, innerOptions) => this.inner.generateUntil(misses, innerOptions));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  stats(): CachingBackendStats {
    return { ...this.counts, lastNotCachedReason: this.lastNotCachedReason };
  }

  private async answer<R extends Request>(
    reqs: readonly R[],
    o: CachedCallOptions | undefined,
    callInner: (misses: R[], innerOptions: JournalCallOptions) => Promise<ResultOf<R>[]>,
  ): Promise<ResultOf<R>[]> {
    const repeats = o?.repeats;
    if (repeats && repeats.length !== reqs.length) {
      throw new Error(`repeats has ${repeats.length} entries for ${reqs.length} requests`);
    }
    const results: ResultOf<R>[] = new Array(reqs.length);
    const misses: Miss<R>[] = [];
    const missByKey = new Map<string, Miss<R>>();
    this.cache.reading(() =>
      reqs.forEach((request, i) => {
        const key = requestKey(this.id, request, repeats?.[i] ?? 0);
        const pendingMiss = missByKey.get(key);
        if (pendingMiss) {
          pendingMiss.callerIndices.push(i);
          this.counts.duplicates++;
          return;
        }
        const cached = this.cache.get(key);
        if (cached) {
          results[i] = cached as ResultOf<R>;
          this.counts.hits++;
          // Hits count towards progress right away; zero tokens keeps throughput figures honest.
          o?.onResultValue?.(i, cached as ResultOf<R>);
          o?.onResult?.(i, 0);
          return;
        }
        const miss: Miss<R> = { request, key, callerIndices: [i] };
        missByKey.set(key, miss);
        misses.push(miss);
      }),
    );
    if (misses.length === 0) return results;

    const journaled = new Set<number>();
    const missAt = (missIndex: number): Miss<R> => {
      const miss = misses[missIndex];
      if (!miss) throw new Error(`backend ${this.id} reported result ${missIndex} of a ${misses.length}-request call`);
      return miss;
    };
    const onResult = o?.onResult;
    const onResultValue = o?.onResultValue;
    const batch = new JournalBatch((entries) => this.writeChunked(entries));
    const innerOptions: JournalCallOptions = {
      signal: o?.signal,
      onResultValue: (missIndex, result) => {
        const miss = missAt(missIndex);
        if (journaled.has(missIndex)) return;
        journaled.add(missIndex);
        batch.add({ key: miss.key, kind: miss.request.kind, result });
        // The caller sees a value once it is journaled, like its progress.
        if (onResultValue)
          batch.report(() => {
            for (const i of miss.callerIndices) onResultValue(i, result);
          });
      },
      onResult: onResult
        ? (missIndex, tokensEvaluated) => {
            const { callerIndices } = missAt(missIndex);
            // Duplicates were not evaluated separately, so only the first carries the tokens.
            batch.report(() => {
              for (const [nth, i] of callerIndices.entries()) onResult(i, nth === 0 ? tokensEvaluated : 0);
            });
          }
        : undefined,
    };

    let fresh: ResultOf<R>[];
    try {
      fresh = await callInner(
        misses.map((miss) => miss.request),
        innerOptions,
      );
    } catch (e) {
      // What was journaled before the failure (or Ctrl-C) stays cached, so a rerun resumes after
      // it; those requests were evaluated, so they count as fresh ("N new results saved").
      try {
        batch.flush();
      } catch {
        // The backend's error is the one to report.
      }
      this.counts.fresh += journaled.size;
      throw e;
    }
    batch.finish();
    // A short or long array would pair results with the wrong keys; caching that would make
    // every later run wrong, so fail loudly instead.
    if (fresh.length !== misses.length) {
      throw new Error(`backend ${this.id} returned ${fresh.length} results for ${misses.length} requests`);
    }
    const unjournaled: CacheEntry[] = [];
    fresh.forEach((result, missIndex) => {
      const miss = misses[missIndex]!;
      for (const i of miss.callerIndices) results[i] = result;
      if (!journaled.has(missIndex)) unjournaled.push({ key: miss.key, kind: miss.request.kind, result });
    });
    this.counts.fresh += misses.length;
    this.writeChunked(unjournaled);
    return results;
  }

  private writeChunked(entries: readonly CacheEntry[]): void {
    for (let start = 0; start < entries.length; start += WRITE_CHUNK) {
      this.write(entries.slice(start, start + WRITE_CHUNK));
    }
  }

  /**
   * Caching is best effort: a result that cannot be stored is still returned, and the miss is
   * counted in stats() for the report, rather than failing an evaluation that already has it.
   */
  private write(entries: readonly CacheEntry[]): void {
    if (this.cache.readonly) return;
    const valid = entries.filter((entry) => isValidResult(entry.kind, entry.result as Result));
    if (valid.length < entries.length) {
      this.counts.notCached += entries.length - valid.length;
      this.lastNotCachedReason = 'result has a non-finite number or a malformed field';
    }
    if (valid.length === 0) return;
    try {
      this.cache.putMany(valid);
    } catch (e) {
      this.counts.notCached += valid.length;
      this.lastNotCachedReason = e instanceof Error ? e.message : String(e);
    }
  }
}

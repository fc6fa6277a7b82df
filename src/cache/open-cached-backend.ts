import type { Backend } from '../backends/types.ts';
import { CachingBackend, type CachingBackendStats } from './caching-backend.ts';
import { cacheDirFromEnv, defaultCachePath } from './paths.ts';
import { type CacheRecovery, openRequestCache } from './store.ts';

export interface OpenCachedBackendOptions {
  /** Explicit cache file (`--use_cache`); otherwise one file per model and task list. */
  readonly path?: string | undefined;
  readonly taskNames: readonly string[];
  /** Defaults to cacheDirFromEnv(). */
  readonly cacheDir?: string;
}

export interface CachedBackendHandle {
  readonly backend: CachingBackend;
  readonly path: string;
  /** Set when an unreadable cache file was moved aside; the report should record it. */
  readonly recovered: CacheRecovery | undefined;
  stats(): CachingBackendStats;
  /** Closes the cache file only; the caller still owns (and closes) the inner backend. */
  close(): void;
}

/** What the CLI needs in one call: the cache file for this model and task list, and the wrapper. */
export function openCachedBackend(inner: Backend, options: OpenCachedBackendOptions): CachedBackendHandle {
  // Sorted so `--tasks a,b` and `--tasks b,a` share a file; keys inside still include backend.id.
  const runKey = `${inner.info.modelId}\n${[...options.taskNames].sort().join(',')}`;
  const path = options.path ?? defaultCachePath(options.cacheDir ?? cacheDirFromEnv(), runKey);
  const cache = openRequestCache(path);
  const backend = new CachingBackend(inner, cache);
  return {
    backend,
    path,
    recovered: cache.recovered,
    stats: () => backend.stats(),
    close: () => cache.close(),
  };
}

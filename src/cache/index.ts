export { CachingBackend, type CachingBackendStats } from './caching-backend.ts';
export { type CachedCallOptions, type JournalCallOptions, reportResult } from './journal.ts';
export { canonicalJson, requestKey } from './key.ts';
export {
  type CachedBackendHandle,
  type ChatTemplate,
  type OpenBackendOptions,
  type OpenCachedBackendOptions,
  type OpenedBackend,
  openBackend,
  openCachedBackend,
} from './open-cached-backend.ts';
export { cacheDirFromEnv, defaultCachePath } from './paths.ts';
export { type CacheEntry, type CacheRecovery, type CacheStats, openRequestCache, type RequestCache } from './store.ts';

import { backendFactory, DEFAULT_MODEL, DEFAULT_MODEL_ARGS, parseModelArgs } from '../backends/index.ts';
import type { Backend, ModelArgs } from '../backends/types.ts';
import { UserError } from '../errors.ts';
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

export interface OpenBackendOptions {
  /** Backend name, as given to --model. */
  readonly model: string;
  /** `key=value,...` as given to --model_args; absent, the default backend gets its default model. */
  readonly modelArgs?: string | undefined;
  readonly batchSize: number | 'auto';
  readonly seed: number;
  readonly verbose?: boolean;
  /** Where the request cache lives, or false for none (--no_cache). */
  readonly cache: OpenCachedBackendOptions | false;
  /** Fail before any request unless the model can render chats (--apply_chat_template). */
  readonly requireChatTemplate?: boolean;
}

export type ChatTemplate = NonNullable<Backend['applyChatTemplate']>;

export interface OpenedBackend {
  /** What requests go to: the caching wrapper, or the model itself without a cache. */
  readonly backend: Backend;
  /** The model itself; its id and info describe the run. */
  readonly inner: Backend;
  readonly cache: CachedBackendHandle | undefined;
  /** The model_args text in effect (the default one when none was given), and its parse. */
  readonly modelArgsText: string;
  readonly modelArgs: ModelArgs;
  /** The model's chat template, when it has one (the 'chat' capability). */
  readonly chatTemplate: ChatTemplate | undefined;
  /** Closes the cache file, then the model. */
  close(): Promise<void>;
}

/**
 * Every way a command gets a model goes through here: factory lookup by name, model_args
 * parsing, the request cache around the model, and the checks that must fail before any request.
 * On failure, whatever was opened is closed again.
 */
export async function openBackend(o: OpenBackendOptions): Promise<OpenedBackend> {
  const modelArgsText = o.modelArgs ?? (o.model === DEFAULT_MODEL ? DEFAULT_MODEL_ARGS : '');
  const modelArgs = parseModelArgs(modelArgsText);
  const inner = await backendFactory(o.model)({
    args: modelArgs,
    batchSize: o.batchSize,
    seed: o.seed,
    verbose: !!o.verbose,
  });
  let cache: CachedBackendHandle | undefined;
  try {
    cache = o.cache === false ? undefined : openCachedBackend(inner, o.cache);
    if (cache?.recovered)
      process.stderr.write(
        `warning: request cache was unreadable (${cache.recovered.reason}); moved to ${cache.recovered.movedTo}\n`,
      );
    const backend: Backend = cache?.backend ?? inner;
    const chatTemplate = chatTemplateOf(backend);
    if (o.requireChatTemplate && !chatTemplate)
      throw new UserError(
        'model has no chat template',
        { field: '--apply_chat_template' },
        'drop the flag, or use a chat model',
      );
    return {
      backend,
      inner,
      cache,
      modelArgsText,
      modelArgs,
      chatTemplate,
      close: async () => {
        cache?.close();
        await inner.close();
      },
    };
  } catch (e) {
    cache?.close();
    await inner.close();
    throw e;
  }
}

function chatTemplateOf(backend: Backend): ChatTemplate | undefined {
  if (!backend.capabilities.has('chat')) return undefined;
  return backend.applyChatTemplate?.bind(backend);
}

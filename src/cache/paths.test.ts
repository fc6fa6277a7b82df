import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheDirFromEnv, defaultCachePath } from './paths.ts';

describe('cache paths', () => {
  it('reads EVALBOARD_CACHE, else ~/.cache/evalboard', () => {
    expect(cacheDirFromEnv({ EVALBOARD_CACHE: '/data/cache' })).toBe('/data/cache');
    expect(cacheDirFromEnv({})).toBe(join(homedir(), '.cache', 'evalboard'));
    expect(cacheDirFromEnv({ EVALBOARD_CACHE: '' })).toBe(join(homedir(), '.cache', 'evalboard'));
  });

  it('puts one file per run key under requests/', () => {
    const path = defaultCachePath('/data/cache', 'llama-3-8b.gguf:sha256=abc|arc_easy,hellaswag');
    expect(path).toMatch(/^\/data\/cache\/requests\/[0-9a-f]{32}\.sqlite$/);
    expect(defaultCachePath('/data/cache', 'llama-3-8b.gguf:sha256=abc|arc_easy,hellaswag')).toBe(path);
    expect(defaultCachePath('/data/cache', 'llama-3-8b.gguf:sha256=abc|arc_easy')).not.toBe(path);
  });
});

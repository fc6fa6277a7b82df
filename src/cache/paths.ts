import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** `$EVALBOARD_CACHE`, else `~/.cache/evalboard`; always absolute so a later chdir cannot move it. */
export function cacheDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.EVALBOARD_CACHE;
  return resolve(fromEnv ? fromEnv : join(homedir(), '.cache', 'evalboard'));
}

/**
 * `<cacheDir>/requests/<hash>.sqlite`, one file per run key (model id + tasks, chosen by the
 * caller). Hashing keeps arbitrary model ids and task lists out of file names.
 */
export function defaultCachePath(cacheDir: string, runKey: string): string {
  const hash = createHash('sha256').update(runKey).digest('hex').slice(0, 32);
  return join(cacheDir, 'requests', `${hash}.sqlite`);
}

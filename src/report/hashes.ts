import { createHash } from 'node:crypto';
import { stableStringify } from '../util/stable-json.ts';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `task_hash` in the results file: the task config as run, keys sorted. */
export function taskConfigHash(config: unknown): string {
  return sha256Hex(stableStringify(config));
}

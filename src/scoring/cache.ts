import { createHash } from 'node:crypto';
import type { MetricResult } from '../metrics/types.ts';
import { stableStringify } from '../util/stable-json.ts';
import type { ScoreCache } from './types.ts';

/** A run's in-memory ScoreCache: the same input (a repeated generation, say) is scored once. */
export function memoryScoreCache(): ScoreCache {
  const values = new Map<string, MetricResult>();
  return { get: (key) => values.get(key), set: (key, value) => void values.set(key, value) };
}

/** The key of one metric's value: everything the metric reads, so any change misses. */
export function scoreKey(metric: string, input: unknown): string {
  return createHash('sha256').update(metric).update('\0').update(stableStringify(input)).digest('hex');
}

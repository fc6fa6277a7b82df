import { createHash } from 'node:crypto';
import type { Request } from '../requests/types.ts';

/**
 * Bumped when the key payload changes shape, so old rows simply stop matching instead of
 * being read back under a different meaning.
 */
const KEY_VERSION = 1;

/**
 * JSON with object keys sorted at every level and `undefined` members dropped, so two
 * requests that mean the same thing (`{ topP: undefined }` vs no `topP`, keys written in a
 * different order) serialize to the same bytes. Arrays keep their order: stop strings are
 * tried in order, so `['a', 'b']` and `['b', 'a']` are different requests.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      // JSON.stringify turns NaN and ±Infinity into null, which would collide with each other.
      if (!Number.isFinite(value)) throw new Error(`cannot build a cache key from the number ${value}`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const record = value as Record<string, unknown>;
      const members = Object.keys(record)
        .filter((name) => record[name] !== undefined)
        .sort()
        .map((name) => `${JSON.stringify(name)}:${canonicalJson(record[name])}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new Error(`cannot build a cache key from a ${typeof value}`);
  }
}

/**
 * The cache key of one request: sha256 (hex) over the backend id (model + revision + settings),
 * the request kind, every request argument including generation settings, and the repeat index.
 * The repeat index is in the key so that sampled repeats of one prompt are cached separately
 * even when they share a seed.
 */
export function requestKey(backendId: string, request: Request, repeat: number): string {
  if (!Number.isSafeInteger(repeat) || repeat < 0) throw new Error(`repeat must be an integer >= 0, got ${repeat}`);
  const payload = { keyVersion: KEY_VERSION, backendId, kind: request.kind, request, repeat };
  return createHash('sha256').update(canonicalJson(payload)).digest('hex');
}

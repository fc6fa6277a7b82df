import { createHash, type Hash, hash } from 'node:crypto';
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
      return stringJson(value);
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      // JSON.stringify turns NaN and ±Infinity into null, which would collide with each other.
      if (!Number.isFinite(value)) throw new Error(`cannot build a cache key from the number ${value}`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const record = value as Record<string, unknown>;
      let out = '';
      for (const name of Object.keys(record).sort()) {
        const member = record[name];
        if (member === undefined) continue;
        out += `${out ? ',' : ''}${JSON.stringify(name)}:${canonicalJson(member)}`;
      }
      return `{${out}}`;
    }
    default:
      throw new Error(`cannot build a cache key from a ${typeof value}`);
  }
}

/**
 * JSON.stringify of a string, remembering the last long one: the requests of a multiple-choice
 * doc share one context string (often kilobytes), so it is escaped once rather than per choice.
 */
let lastString: string | undefined;
let lastJson = '';
function stringJson(value: string): string {
  if (value.length < 256) return JSON.stringify(value);
  if (value !== lastString) {
    lastJson = JSON.stringify(value);
    lastString = value;
  }
  return lastJson;
}

/**
 * The cache key of one request: sha256 (hex) over the backend id (model + revision + settings),
 * the request kind, every request argument including generation settings, and the repeat index.
 * The repeat index is in the key so that sampled repeats of one prompt are cached separately
 * even when they share a seed.
 */
export function requestKey(backendId: string, request: Request, repeat: number): string {
  if (!Number.isSafeInteger(repeat) || repeat < 0) throw new Error(`repeat must be an integer >= 0, got ${repeat}`);
  const split = splitAtContext(backendId, request, repeat);
  if (!split) {
    const payload = { keyVersion: KEY_VERSION, backendId, kind: request.kind, request, repeat };
    return hash('sha256', canonicalJson(payload), 'hex');
  }
  const context = (request as { context: string }).context;
  if (context.length < 1024) return hash('sha256', split.head() + split.tail, 'hex');
  // The choices of a multiple-choice doc share the (long) context, which comes first in the
  // payload: hash it once and continue from a copy of the state for each choice.
  if (
    afterContext?.context !== context ||
    afterContext.backendId !== backendId ||
    afterContext.kind !== request.kind ||
    afterContext.repeat !== repeat
  ) {
    afterContext = { backendId, kind: request.kind, repeat, context, state: createHash('sha256').update(split.head()) };
  }
  return afterContext.state.copy().update(split.tail).digest('hex');
}

let afterContext: { backendId: string; kind: string; repeat: number; context: string; state: Hash } | undefined;

/**
 * The canonical payload of requestKey, cut after the request's `context`: canonicalJson sorts
 * keys, so it reads {"backendId",..."request":{"context":…,<the rest of the request>}}. Only when
 * `context` is a string that sorts first among the request's fields (every request kind with
 * one); undefined sends the caller to the general path. key.test.ts checks both give the same key.
 */
function splitAtContext(
  backendId: string,
  request: Request,
  repeat: number,
): { head: () => string; tail: string } | undefined {
  const fields = request as unknown as Record<string, unknown>;
  // canonicalJson reads own enumerable fields only; an inherited `context` is not in the key.
  if (!Object.prototype.propertyIsEnumerable.call(fields, 'context')) return undefined;
  const { context, ...rest } = fields;
  if (typeof context !== 'string' || typeof backendId !== 'string' || typeof request.kind !== 'string')
    return undefined;
  for (const key of Object.keys(rest)) if (rest[key] !== undefined && key < 'context') return undefined;
  const restJson = canonicalJson(rest);
  return {
    head: () =>
      `{"backendId":${stringJson(backendId)},"keyVersion":${KEY_VERSION},"kind":${JSON.stringify(request.kind)},` +
      `"repeat":${repeat},"request":{"context":${stringJson(context)}`,
    tail: `${restJson === '{}' ? '' : `,${restJson.slice(1, -1)}`}}}`,
  };
}

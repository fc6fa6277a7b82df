import type { RequestKind, Result } from '../requests/types.ts';

type Fields = Readonly<Record<string, unknown>>;

/** A finite number: NaN and ±Infinity cannot cross JSON (they come back as null). */
const finite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const tokenCount = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const bool = (v: unknown): boolean => typeof v === 'boolean';
const isFields = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What a cached row must look like to be trusted; extra fields are allowed. Plain checks rather
 * than a schema library: every cached result is checked on write and on read, and zod's
 * safeParse was a large share of a cached run. (Same rules as the zod schemas they replace:
 * tests in result-schemas.test.ts.) The mapped type makes a new request kind without a check
 * fail to compile.
 */
const resultChecks: { [K in RequestKind]: (r: Fields) => boolean } = {
  loglikelihood: (r) => finite(r.logprob) && bool(r.isGreedy) && tokenCount(r.tokens) && bool(r.truncated),
  loglikelihoodRolling: (r) => finite(r.logprob) && tokenCount(r.tokens),
  generateUntil: (r) => typeof r.text === 'string' && tokenCount(r.tokens) && bool(r.hitMaxTokens) && bool(r.truncated),
};

export function isRequestKind(kind: string): kind is RequestKind {
  return Object.hasOwn(resultChecks, kind);
}

/** Whether `result` is a well-formed result for `kind` that survives a JSON round trip. */
export function isValidResult(kind: RequestKind, result: unknown): result is Result {
  return isFields(result) && resultChecks[kind](result);
}

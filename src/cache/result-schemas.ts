import { z } from 'zod';
import type {
  GenerateResult,
  LoglikelihoodResult,
  LoglikelihoodRollingResult,
  RequestKind,
  Result,
} from '../requests/types.ts';

interface ResultByKind {
  loglikelihood: LoglikelihoodResult;
  loglikelihoodRolling: LoglikelihoodRollingResult;
  generateUntil: GenerateResult;
}

const tokenCount = z.number().int().nonnegative();

/**
 * What a cached row must look like to be trusted. z.number() rejects NaN and ±Infinity, which
 * JSON cannot carry anyway (they would come back as null), so such results are never cached.
 * The mapped type makes a new request kind without a schema fail to compile.
 */
const resultSchemas: { [K in RequestKind]: z.ZodType<ResultByKind[K]> } = {
  loglikelihood: z.object({ logprob: z.number(), isGreedy: z.boolean(), tokens: tokenCount, truncated: z.boolean() }),
  loglikelihoodRolling: z.object({ logprob: z.number(), tokens: tokenCount }),
  generateUntil: z.object({ text: z.string(), tokens: tokenCount, hitMaxTokens: z.boolean(), truncated: z.boolean() }),
};

export function isRequestKind(kind: string): kind is RequestKind {
  return Object.hasOwn(resultSchemas, kind);
}

/** Whether `result` is a well-formed result for `kind` that survives a JSON round trip. */
export function isValidResult(kind: RequestKind, result: unknown): result is Result {
  return resultSchemas[kind].safeParse(result).success;
}

import type { ErrorCode } from './schemas.ts';

const STATUS: Readonly<Record<ErrorCode, number>> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  hostile_archive: 422,
  invalid_submission: 422,
  rate_limited: 429,
  unavailable: 503,
};

/** An error a client caused: answered as `{"error": {"code", "message"}}` with its HTTP status. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra top-level fields of the error body (a rejected submission's id and validation report). */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = STATUS[code];
  }
}

export const notFound = (what: string): ApiError => new ApiError('not_found', `no such ${what}`);
export const badRequest = (message: string): ApiError => new ApiError('bad_request', message);

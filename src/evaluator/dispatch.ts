import type { Backend, CallOptions } from '../backends/types.ts';
import type { DocInstance } from '../instances/types.ts';
import type {
  GenerateRequest,
  LoglikelihoodRequest,
  LoglikelihoodRollingRequest,
  Request,
  RequestKind,
  Result,
} from '../requests/types.ts';

/** The requests of one kind, and where each result goes: rows[i][indices[i]] (a repeat's results). */
interface Bucket {
  readonly requests: Request[];
  readonly rows: Result[][];
  readonly indices: number[];
  readonly repeats: number[];
}

export interface DispatchProgress {
  /** Called once per finished request with the tokens the backend evaluated for it. */
  readonly onRequestDone: (kind: RequestKind, tokens: number) => void;
}

/** Backend call options plus the repeat index of each request (cache keys need it). */
export type DispatchCallOptions = CallOptions & { readonly repeats?: readonly number[] };

/**
 * Sends every request of every instance to the backend, one call per request kind, so the
 * backend sees all requests of a kind at once and can share prefixes and fill batches across
 * tasks. Returns results shaped like the requests: out[instance][repeat][index].
 */
export async function dispatchRequests(
  backend: Backend,
  instances: readonly DocInstance[],
  progress?: DispatchProgress,
  signal?: AbortSignal,
): Promise<Result[][][]> {
  const out: Result[][][] = instances.map((inst) => inst.requests.map(() => []));
  // Parallel arrays rather than an object per request: this loop sees every request of the run.
  const byKind = new Map<RequestKind, Bucket>();
  instances.forEach((inst, instance) => {
    inst.requests.forEach((reqs, repeat) => {
      const row = out[instance]![repeat]!;
      reqs.forEach((request, index) => {
        let bucket = byKind.get(request.kind);
        if (!bucket) {
          bucket = { requests: [], rows: [], indices: [], repeats: [] };
          byKind.set(request.kind, bucket);
        }
        bucket.requests.push(request);
        bucket.rows.push(row);
        bucket.indices.push(index);
        bucket.repeats.push(repeat);
      });
    });
  });

  for (const kind of ['loglikelihood', 'loglikelihoodRolling', 'generateUntil'] as const) {
    const bucket = byKind.get(kind);
    if (!bucket) continue;
    const options: DispatchCallOptions = {
      onResult: (_index, tokens) => progress?.onRequestDone(kind, tokens),
      repeats: bucket.repeats,
      ...(signal ? { signal } : {}),
    };
    signal?.throwIfAborted();
    const results = await callKind(backend, kind, bucket.requests, options);
    results.forEach((result, i) => {
      bucket.rows[i]![bucket.indices[i]!] = result;
    });
  }
  return out;
}

function callKind(backend: Backend, kind: RequestKind, requests: Request[], o: DispatchCallOptions): Promise<Result[]> {
  switch (kind) {
    case 'loglikelihood':
      return backend.loglikelihood(requests as LoglikelihoodRequest[], o);
    case 'loglikelihoodRolling':
      return backend.loglikelihoodRolling(requests as LoglikelihoodRollingRequest[], o);
    case 'generateUntil':
      return backend.generateUntil(requests as GenerateRequest[], o);
  }
}

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
  /** The instance each request belongs to. */
  readonly owners: number[];
}

export interface DispatchProgress {
  /** Called once per finished request with the tokens the backend evaluated for it. */
  readonly onRequestDone: (kind: RequestKind, tokens: number) => void;
}

export interface DispatchOptions {
  readonly progress?: DispatchProgress;
  readonly signal?: AbortSignal;
  /** Called once per instance, as soon as every result of it is known: results[repeat][i]. */
  readonly onInstanceDone?: (instance: number, results: readonly (readonly Result[])[]) => void;
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
  o: DispatchOptions = {},
): Promise<Result[][][]> {
  const { progress, signal } = o;
  const out: Result[][][] = instances.map((inst) => inst.requests.map(() => []));
  const pending = instances.map((inst) => inst.requests.reduce((n, reqs) => n + reqs.length, 0));
  const settle = (instance: number) => {
    if (--pending[instance]! === 0) o.onInstanceDone?.(instance, out[instance]!);
  };
  // Parallel arrays rather than an object per request: this loop sees every request of the run.
  const byKind = new Map<RequestKind, Bucket>();
  instances.forEach((inst, instance) => {
    inst.requests.forEach((reqs, repeat) => {
      const row = out[instance]![repeat]!;
      reqs.forEach((request, index) => {
        let bucket = byKind.get(request.kind);
        if (!bucket) {
          bucket = { requests: [], rows: [], indices: [], repeats: [], owners: [] };
          byKind.set(request.kind, bucket);
        }
        bucket.requests.push(request);
        bucket.rows.push(row);
        bucket.indices.push(index);
        bucket.repeats.push(repeat);
        bucket.owners.push(instance);
      });
    });
  });

  for (const kind of ['loglikelihood', 'loglikelihoodRolling', 'generateUntil'] as const) {
    const bucket = byKind.get(kind);
    if (!bucket) continue;
    // A result is placed as soon as the backend reports its final value, so a document whose
    // requests are all answered is scored (and its sample written) while the rest still run.
    const placed = new Uint8Array(bucket.requests.length);
    const place = (i: number, result: Result) => {
      if (placed[i]) return;
      placed[i] = 1;
      bucket.rows[i]![bucket.indices[i]!] = result;
      settle(bucket.owners[i]!);
    };
    const options: DispatchCallOptions = {
      onResult: (_index, tokens) => progress?.onRequestDone(kind, tokens),
      onResultValue: place,
      repeats: bucket.repeats,
      ...(signal ? { signal } : {}),
    };
    signal?.throwIfAborted();
    const results = await callKind(backend, kind, bucket.requests, options);
    for (const [i, result] of results.entries()) place(i, result);
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

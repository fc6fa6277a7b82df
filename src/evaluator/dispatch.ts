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

/** Where a request sits: instances[instance].requests[repeat][index]. */
interface Slot {
  readonly instance: number;
  readonly repeat: number;
  readonly index: number;
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
  const byKind = new Map<RequestKind, { requests: Request[]; slots: Slot[] }>();
  instances.forEach((inst, instance) => {
    inst.requests.forEach((reqs, repeat) => {
      reqs.forEach((request, index) => {
        const bucket = byKind.get(request.kind) ?? { requests: [], slots: [] };
        byKind.set(request.kind, bucket);
        bucket.requests.push(request);
        bucket.slots.push({ instance, repeat, index });
      });
    });
  });

  const out: Result[][][] = instances.map((inst) => inst.requests.map(() => []));
  for (const kind of ['loglikelihood', 'loglikelihoodRolling', 'generateUntil'] as const) {
    const bucket = byKind.get(kind);
    if (!bucket) continue;
    const options: DispatchCallOptions = {
      onResult: (_index, tokens) => progress?.onRequestDone(kind, tokens),
      repeats: bucket.slots.map((s) => s.repeat),
      ...(signal ? { signal } : {}),
    };
    signal?.throwIfAborted();
    const results = await callKind(backend, kind, bucket.requests, options);
    results.forEach((result, i) => {
      const slot = bucket.slots[i]!;
      out[slot.instance]![slot.repeat]![slot.index] = result;
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

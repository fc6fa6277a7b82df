import type { LlamaContext } from 'node-llama-cpp';
import { addonContextOf } from './node-llama-internals.ts';

/**
 * Works around a race between node-llama-cpp 3.21.1 and llama.cpp that corrupts log-probabilities
 * when several sequences share a batch (seen as scores off by 10-700 nats in ~1 of 10 runs).
 *
 * When a batch mixes sequences, llama.cpp computes outputs out of order and reorders the rows
 * lazily, inside the first llama_get_logits_ith() after the decode (llama_context::output_reorder,
 * since llama.cpp PR #14853): that call swaps rows and clears the swap list, unsynchronised.
 * node-llama-cpp samples every output of a batch on parallel libuv workers, so two workers can
 * both run the swaps and read another token's logits. Letting the first sampling after each decode
 * finish before the others start makes the reorder happen exactly once; later reads are read-only.
 *
 * This patches node-llama-cpp internals (node-llama-internals.ts), pinned at 3.21.1; generation
 * with several sequences needs it (output-reorder-guard.test.ts fails without it under load).
 * Must be applied before the context's first decode.
 */
export function guardOutputReorder(context: LlamaContext): void {
  const native = addonContextOf(context);
  const decode = native.decodeBatch.bind(native);
  const sample = native.sampleToken.bind(native);
  let firstSampleAfterDecode: Promise<unknown> | null = null;
  let decodedSinceLastSample = false;
  // Own properties shadow the addon's read-only prototype methods on this one instance.
  Object.defineProperty(native, 'decodeBatch', {
    configurable: true,
    value: async () => {
      await decode();
      decodedSinceLastSample = true;
      firstSampleAfterDecode = null;
    },
  });
  Object.defineProperty(native, 'sampleToken', {
    configurable: true,
    value: (...args: unknown[]) => {
      if (decodedSinceLastSample) {
        decodedSinceLastSample = false;
        firstSampleAfterDecode = sample(...args);
        return firstSampleAfterDecode;
      }
      const wait = firstSampleAfterDecode;
      return wait
        ? wait.then(
            () => sample(...args),
            () => sample(...args),
          )
        : sample(...args);
    },
  });
}

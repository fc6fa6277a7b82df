import type { PackedContext, RowScorer } from '../scoring/packed-scoring.ts';
import type { KvHelper } from './helper-build.ts';

export interface PackedContextShape {
  /** KV cells: the longest resident path plus one full decode. */
  readonly cells: number;
  readonly batchTokens: number;
  readonly sequences: number;
  readonly threads: number;
  readonly flashAttention: boolean;
}

/** The packed context plus what its owner needs: reading scores of the last decode, and disposal. */
export type PackedContextHandle = PackedContext & { readonly scoreRows: RowScorer; dispose(): void };

/**
 * A unified-KV llama_context owned by the native helper, on node-llama-cpp's model (`addonModel`,
 * from addonModelOf in node-llama-internals.ts), with the interface packed-scoring.ts drives.
 */
export function createPackedContext(
  helper: KvHelper,
  addonModel: object,
  shape: PackedContextShape,
): PackedContextHandle {
  const handle = helper.createScoringContext(
    addonModel,
    shape.cells,
    shape.batchTokens,
    shape.sequences,
    shape.threads,
    shape.flashAttention,
  );
  let disposed = false;
  return {
    batchTokens: shape.batchTokens,
    flashAttention: shape.flashAttention,
    sequences: shape.sequences,
    decode: (b) => helper.decodeBatch(handle, b.tokens, b.positions, b.sequenceCounts, b.sequenceIds, b.outputs),
    // Log-probabilities straight from llama.cpp's logits rows, in native code: no vocabulary-sized JS objects.
    scoreRows: async (rows, targets) => {
      const logprobs = new Float64Array(rows.length);
      const isArgmax = new Uint8Array(rows.length);
      helper.scoreRows(handle, rows, targets, logprobs, isArgmax);
      return { logprobs, isArgmax };
    },
    removeCells: (sequence, from, to) => {
      helper.removeCells(handle, sequence, from, to);
    },
    copyCells: (source, destination, from, to) => helper.copyCells(handle, source, destination, from, to),
    clear: () => helper.clearCells(handle),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      helper.freeScoringContext(handle);
    },
  };
}

import type { LlamaModel } from 'node-llama-cpp';
import { addonModelOf, type KvHelper } from './native-helper.ts';
import type { PackedContext } from './packed-scoring.ts';

export interface PackedContextShape {
  /** KV cells: the longest resident path plus one full decode. */
  readonly cells: number;
  readonly batchTokens: number;
  readonly sequences: number;
  readonly threads: number;
  readonly flashAttention: boolean;
}

/** The packed context plus what its owner needs: the native handle (for reading rows) and disposal. */
export type PackedContextHandle = PackedContext & { readonly handle: object; dispose(): void };

/** A unified-KV llama_context owned by the native helper, with the interface packed-scoring.ts drives. */
export function createPackedContext(
  helper: KvHelper,
  model: LlamaModel,
  shape: PackedContextShape,
): PackedContextHandle {
  const handle = helper.createScoringContext(
    addonModelOf(model),
    shape.cells,
    shape.batchTokens,
    shape.sequences,
    shape.threads,
    shape.flashAttention,
  );
  let disposed = false;
  return {
    handle,
    batchTokens: shape.batchTokens,
    flashAttention: shape.flashAttention,
    sequences: shape.sequences,
    decode: (b) => helper.decodeBatch(handle, b.tokens, b.positions, b.sequenceCounts, b.sequenceIds, b.outputs),
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

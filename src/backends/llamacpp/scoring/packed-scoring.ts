import { CELL_BLOCK, FLASH_ATTENTION_MAX_COUNT, SlotBatch } from './packed-layout.ts';
import { buildPrefixTrie, type ScoringRequest, type TrieNode } from './prefix-trie.ts';
import { type TokenScore, TrieScores } from './trie-scores.ts';

export type { ScoringRequest, TokenScore };

/**
 * Log-probabilities of chosen tokens at rows of the last decode (native/packed-context.ts reads
 * them in the helper: no vocabulary-sized JS objects).
 */
export type RowScorer = (
  rows: Int32Array,
  targets: Int32Array,
) => Promise<{ logprobs: Float64Array; isArgmax: Uint8Array }>;

/**
 * A llama_context whose KV cache is one stream shared by all sequences (kv_unified), driven
 * through llama_batch directly (native/kv-helper.cc): a token may belong to several sequences,
 * and every token of a decode is computed in one attention operation, whatever sequence it is in.
 */
export interface PackedContext {
  /** Most tokens per decode (n_batch = n_ubatch: a decode is one ubatch). */
  readonly batchTokens: number;
  /** Flash attention: its per-row kernel needs cells in position order only, and decodes < 64 tokens. */
  readonly flashAttention: boolean;
  /** Sequence ids are 0 … sequences - 1. */
  readonly sequences: number;
  decode(batch: PackedBatch): Promise<void>;
  /** llama_memory_seq_rm: sequence -1 is every sequence, `to` -1 the end. */
  removeCells(sequence: number, from: number, to: number): void;
  /** llama_memory_seq_cp: in a unified cache, adds `destination` to the cells' sequence sets. */
  copyCells(source: number, destination: number, from: number, to: number): void;
  /** Empties the cache; llama.cpp's search for free cells starts again at cell 0. */
  clear(): void;
}

export interface PackedBatch {
  readonly tokens: Int32Array;
  readonly positions: Int32Array;
  /** Sequence ids per token; `sequenceIds` holds them all, token after token. */
  readonly sequenceCounts: Int32Array;
  readonly sequenceIds: Int32Array;
  readonly outputs: Uint8Array;
}

export interface PackedScoringOptions {
  readonly onScored?: (requestIndex: number, score: TokenScore) => void;
  readonly signal?: AbortSignal;
  /** Most units (see below) per decode; the numbers do not depend on it. */
  readonly maxUnitsPerDecode?: number;
}

export interface PackedScoringStats {
  uniqueTokens: number;
  decodes: number;
  realTokens: number;
  /** Filler tokens: gaps between aligned runs, and the second token of a one-token decode. */
  paddingTokens: number;
  /** Tokens evaluated twice: a forked node's copy of its parent's partial block (packed-layout.ts). */
  copiedTokens: number;
  headerTokens: number;
  units: number;
  decodeMs: number;
}

const HEADER_SEQUENCE = 0;

/** Units tried after one that did not fit, before the decode is closed. */
const LOOKAHEAD = 32;

/**
 * Scores requests by evaluating their prefix trie in full decodes of a unified KV cache.
 *
 * A trie node whose subtree fits in one wave (n_batch slots) is a *unit*: its tokens, depth first,
 * each tagged with the sequences of the paths through it, so a question's tokens are evaluated once
 * and seen by each of its choices. Units that hang under the same resident path are packed into a
 * wave until it is full, then their cells are dropped. A node whose subtree does not fit (a
 * few-shot header, a long document) becomes resident instead: evaluated alone at cells equal to its
 * positions, shared by every sequence, while its children are processed, then dropped.
 *
 * Why the numbers are those of a lone sequence, whatever the batching: the KV cache holds exactly
 * the resident path (cells = positions) when a wave starts, so llama.cpp places slot i at cell
 * `resident + i`; packed-layout.ts puts every token where the attention kernels sum it exactly as
 * for a lone sequence (same 16-cell blocks and lanes; with flash attention, the same cell order);
 * masked cells add exact zeros; no decode has a single token or output row.
 */
export async function scorePacked(
  context: PackedContext,
  scoreRows: RowScorer,
  requests: readonly ScoringRequest[],
  o: PackedScoringOptions = {},
): Promise<{ scores: TokenScore[]; stats: PackedScoringStats }> {
  const { root, uniqueTokens } = buildPrefixTrie(requests);
  // A wave: the slots laid out together, decoded in one decode (or, with flash attention, in
  // consecutive decodes of < 64 tokens, the cells of earlier ones kept until the wave ends).
  const budget = context.batchTokens;
  const block = context.flashAttention ? 1 : CELL_BLOCK;
  const chunk = context.flashAttention ? FLASH_ATTENTION_MAX_COUNT : budget;
  const floorToBlock = (position: number) => position - (position % block);
  const fillerSequence = context.sequences - 1;
  const leafSequences = context.sequences - 2; // ids 1 … sequences - 2
  const maxUnits = o.maxUnitsPerDecode ?? Number.POSITIVE_INFINITY;
  if (budget < 4 * CELL_BLOCK || leafSequences < 1) throw new Error('packed scoring: context too small');
  const stats: PackedScoringStats = {
    uniqueTokens,
    decodes: 0,
    realTokens: 0,
    paddingTokens: 0,
    copiedTokens: 0,
    headerTokens: 0,
    units: 0,
    decodeMs: 0,
  };
  const scores = new TrieScores(requests, o.onScored);

  const run = async (slots: SlotBatch): Promise<void> => {
    o.signal?.throwIfAborted();
    const { batches, rowsOf, fillers } = slots.build(fillerSequence, chunk);
    stats.paddingTokens += fillers;
    stats.realTokens += slots.realTokens;
    stats.copiedTokens += slots.copiedTokens;
    const reads = [...slots.reads].sort((a, b) => a.row - b.row);
    let nextRead = 0;
    for (const [i, batch] of batches.entries()) {
      const started = performance.now();
      await context.decode(batch);
      stats.decodeMs += performance.now() - started;
      stats.decodes++;
      const end = rowsOf[i]! + batch.tokens.length;
      const here = [];
      while (nextRead < reads.length && reads[nextRead]!.row < end) here.push(reads[nextRead++]!);
      if (here.length === 0) continue;
      const { logprobs: values, isArgmax } = await scoreRows(
        Int32Array.from(here, (r) => r.row - rowsOf[i]!),
        Int32Array.from(here, (r) => r.point.target),
      );
      for (const [k, { point }] of here.entries()) scores.record(point, values[k]!, isArgmax[k]!);
    }
    if (fillers > 0) context.removeCells(fillerSequence, -1, -1);
  };

  /**
   * Decodes `units` (children of the resident path, which ends at `resident`), as many per wave as
   * fit. Returns, in order, those that do not fit even an empty wave: they become resident paths.
   */
  const runUnits = async (units: readonly TrieNode[], resident: number): Promise<TrieNode[]> => {
    const tooBig = new Uint8Array(units.length);
    const done = new Uint8Array(units.length);
    let first = 0; // units before it are all done
    while (first < units.length) {
      const slots = new SlotBatch(budget, resident, block);
      let nextSequence = 1;
      let packed = 0;
      // First fit, trying a few later units when one does not fit.
      for (let i = first, misses = 0; i < units.length && packed < maxUnits && misses < LOOKAHEAD; i++) {
        if (done[i]) continue;
        const after = slots.placeUnit(units[i]!, nextSequence, leafSequences);
        if (after < 0) {
          if (packed === 0) tooBig[i] = done[i] = 1; // not even an empty wave holds it
          misses++;
          continue;
        }
        done[i] = 1;
        nextSequence = after;
        packed++;
      }
      while (first < units.length && done[first]) first++;
      if (packed === 0) continue;
      stats.units += packed;
      await run(slots);
      // The units' cells; the resident path's cells are in sequence 0 (and below the block boundary, in all).
      for (let s = 1; s < nextSequence; s++) context.removeCells(s, floorToBlock(resident), -1);
    }
    return units.filter((_, i) => tooBig[i]);
  };

  /** Evaluates `node` as part of the resident path (cells = positions), visible to every sequence. */
  const evaluateResident = async (node: TrieNode): Promise<void> => {
    for (let from = node.start; from < node.end; from += budget) {
      const to = Math.min(node.end, from + budget);
      const slots = new SlotBatch(budget, from, block);
      slots.placeResident(node, from, to, HEADER_SEQUENCE);
      stats.headerTokens += to - from;
      await run(slots);
    }
    // Whole blocks only: units copy the partial last block themselves (packed-layout.ts).
    for (let s = 1; s <= leafSequences; s++) context.copyCells(HEADER_SEQUENCE, s, 0, floorToBlock(node.end));
  };

  const descend = async (node: TrieNode): Promise<void> => {
    for (const child of await runUnits(node.children, node.end)) {
      await evaluateResident(child);
      await descend(child);
      context.removeCells(-1, child.start, -1);
      // Back to `node` as the resident path: the sequences see its whole blocks only.
      for (let s = 1; s <= leafSequences; s++) context.removeCells(s, floorToBlock(node.end), -1);
    }
  };

  context.clear();
  try {
    await descend(root);
  } finally {
    context.clear();
  }
  return { scores: scores.all(), stats };
}

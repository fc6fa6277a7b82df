import type { ScoringPoint, TrieNode } from './prefix-trie.ts';
// import cycle: type only, erased at run time; the packed scorer defines the batch this layout fills.
import type { PackedBatch } from './packed-scoring.ts';

/**
 * Without flash attention, KV cells are grouped in blocks of this many: llama.cpp's CPU softmax
 * sums attention weights 16 at a time (AVX-512) and its matmuls keep 16 lanes, so a token's
 * attention arithmetic depends on which block and lane each visible cell is in. The packed layout
 * reproduces, for every sequence, the blocks and lanes of a lone sequence whose cells equal its
 * positions: the same bits. Flash attention's per-row kernel visits cells one by one, in cell order,
 * so there a sequence's cells need only be in position order (block 1).
 */
export const CELL_BLOCK = 16;

/**
 * With flash attention, llama.cpp's CPU kernel takes a tiled path (F32 accumulators) for 64 or more
 * tokens of one KV stream in a ubatch and a per-row path (F16 accumulators) below: results would
 * depend on chunking. Decodes stay below 64 tokens, so every row takes the per-row path.
 */
export const FLASH_ATTENTION_MAX_COUNT = 63;

/**
 * One llama_batch under construction, as slots: slot i is batch row i and KV cell `base + i`
 * (packed-scoring.ts explains why). Rules that make every number equal the lone-sequence one:
 * - a token of position p sits at a cell ≡ p (mod CELL_BLOCK);
 * - the tokens of one sequence in one position block [16k, 16k + 16) sit in one cell block. A child
 *   node that starts mid-block therefore either continues right after its parent's last token, or,
 *   when that slot is taken (a second choice of the same question), "forks": it gets its own copy
 *   of the block's earlier tokens (at most 15), and the original cells leave its sequences' sets.
 */
export class SlotBatch {
  private readonly tokens: Int32Array;
  private readonly positions: Int32Array;
  private readonly used: Uint8Array;
  private readonly sequenceSets: number[][];
  private readonly outputs: Uint8Array;
  readonly reads: { row: number; point: ScoringPoint }[] = [];
  /** One past the last occupied slot: the batch's length. */
  end = 0;
  /** Tokens of trie nodes, counted once (not their fork copies). */
  realTokens = 0;
  /** Fork copies of tokens evaluated elsewhere too. */
  copiedTokens = 0;

  constructor(
    readonly capacity: number,
    /** The KV cell of slot 0. */
    private readonly base: number,
    /** CELL_BLOCK, or 1 with flash attention. */
    readonly block: number,
  ) {
    this.tokens = new Int32Array(capacity);
    this.positions = new Int32Array(capacity);
    this.used = new Uint8Array(capacity);
    this.sequenceSets = Array.from({ length: capacity }, () => []);
    this.outputs = new Uint8Array(capacity);
  }

  /** The first free run of `length` slots at or after `after` whose first cell is ≡ `position` (mod CELL_BLOCK). */
  private fit(position: number, length: number, after: number): number {
    for (let slot = after + this.gap(this.base + after, position); slot + length <= this.capacity; slot += this.block)
      if (this.isFree(slot, length)) return slot;
    return -1;
  }

  private isFree(slot: number, length: number): boolean {
    if (slot + length > this.capacity) return false;
    for (let i = slot; i < slot + length; i++) if (this.used[i]) return false;
    return true;
  }

  private occupy(slot: number, tokens: readonly number[], from: number, to: number): void {
    for (let p = from; p < to; p++) {
      const i = slot + p - from;
      this.tokens[i] = tokens[p]!;
      this.positions[i] = p;
      this.used[i] = 1;
    }
    this.end = Math.max(this.end, slot + to - from);
  }

  /** A resident-path chunk: tokens [from, to) of `node` at slot 0, all in `sequence`. */
  placeResident(node: TrieNode, from: number, to: number, sequence: number): void {
    if (this.gap(this.base, from) !== 0 || to - from > this.capacity) throw new Error('resident chunk misplaced');
    this.occupy(0, node.path, from, to);
    for (let i = 0; i < to - from; i++) this.sequenceSets[i]!.push(sequence);
    for (const point of node.points)
      if (point.position >= from && point.position < to) this.read(point.position - from, point);
    this.realTokens += to - from;
  }

  private read(row: number, point: ScoringPoint): void {
    this.outputs[row] = 1;
    this.reads.push({ row, point });
  }

  /**
   * Places `unit` (a child of the resident path, which ends at position unit.start), depth first,
   * each node after its parent. Its leaves get sequence ids `firstSequence` … `lastSequence`; the resident
   * cells its sequences see end at the block boundary floorToBlock(unit.start), so the unit starts
   * with its own copy of the resident path's partial last block. All or nothing: returns the next
   * free sequence id, or -1 (and the batch unchanged) when something does not fit.
   */
  placeUnit(unit: TrieNode, firstSequence: number, lastSequence: number): number {
    const origin = this.floorToBlock(unit.start);
    /** Slot of each position of the current path, from origin on. */
    const slotOf: number[] = [];
    const placed: [slot: number, length: number][] = [];
    /** Every copy of a scored position; the read uses one that some sequence kept. */
    const candidates = new Map<ScoringPoint, number[]>();
    let nextSequence = firstSequence;
    const state = { end: this.end, realTokens: this.realTokens, copiedTokens: this.copiedTokens };

    const addCandidates = (node: TrieNode, from: number, to: number, slot: number): void => {
      for (let owner: TrieNode | null = node; owner && owner.end > from; owner = owner.parent)
        for (const point of owner.points)
          if (point.position >= Math.max(from, owner.start) && point.position < Math.min(to, owner.end)) {
            const list = candidates.get(point) ?? [];
            list.push(slot + point.position - from);
            candidates.set(point, list);
          }
    };

    const visit = (node: TrieNode, after: number): boolean => {
      const { start, end } = node;
      let slot = -1;
      let copyFrom = start; // positions [copyFrom, start) are copied into this node's run
      const previous = slotOf[start - 1 - origin];
      if (start % this.block !== 0 && previous !== undefined && this.isFree(previous + 1, end - start))
        slot = previous + 1;
      else {
        copyFrom = this.floorToBlock(start);
        const first = this.fit(copyFrom, end - copyFrom, after);
        if (first < 0) return false;
        slot = first + start - copyFrom;
      }
      const runStart = slot - (start - copyFrom);
      this.occupy(runStart, node.path, copyFrom, end);
      placed.push([runStart, end - copyFrom]);
      this.realTokens += end - start;
      this.copiedTokens += start - copyFrom;
      const saved = slotOf.slice(copyFrom - origin, start - origin);
      for (let p = copyFrom; p < end; p++) slotOf[p - origin] = runStart + p - copyFrom;
      addCandidates(node, copyFrom, end, runStart);
      if (node.children.length === 0) {
        if (nextSequence > lastSequence) return false;
        const sequence = nextSequence++;
        for (let p = origin; p < end; p++) this.sequenceSets[slotOf[p - origin]!]!.push(sequence);
      }
      for (const child of node.children) if (!visit(child, slot + end - start)) return false;
      slotOf.length = Math.min(slotOf.length, start - origin);
      for (let i = 0; i < saved.length; i++) slotOf[copyFrom - origin + i] = saved[i]!;
      return true;
    };

    if (!visit(unit, 0)) {
      for (const [slot, length] of placed)
        for (let i = slot; i < slot + length; i++) {
          this.used[i] = 0;
          this.sequenceSets[i]!.length = 0;
        }
      Object.assign(this, state);
      return -1;
    }
    for (const [point, slots] of candidates) {
      const row = slots.find((s) => this.sequenceSets[s]!.length > 0);
      if (row === undefined) throw new Error('packed layout: a scored position has no sequence');
      this.read(row, point);
    }
    return nextSequence;
  }

  floorToBlock(position: number): number {
    return position - (position % this.block);
  }

  /** Slots to skip so that a token of position `position` lands on a cell ≡ position (mod block). */
  private gap(cell: number, position: number): number {
    return (((position - cell) % this.block) + this.block) % this.block;
  }

  /**
   * The batch, split into decodes of at most `chunk` tokens (chunk ≥ 2). Free slots, and copies no
   * sequence kept, become tokens of `fillerSequence` (at its positions 0, 1, …), which nothing else
   * attends to. No decode has one token or one output row: a single row takes the matrix-vector
   * kernels, which round differently (and no output row at all is a case llama.cpp need not meet).
   */
  build(fillerSequence: number, chunk: number): { batches: PackedBatch[]; rowsOf: number[]; fillers: number } {
    let length = Math.max(this.end, 2);
    if (length % chunk === 1) length++; // the last decode would have one token
    if (length > this.capacity) throw new Error('packed layout: no room for a second token');
    const counts = new Int32Array(length);
    const ids: number[] = [];
    const idStart = new Int32Array(length + 1);
    let fillers = 0;
    for (let i = 0; i < length; i++) {
      idStart[i] = ids.length;
      const sequences = this.sequenceSets[i]!;
      if (sequences.length === 0) {
        this.tokens[i] = 0;
        this.positions[i] = fillers++;
        counts[i] = 1;
        ids.push(fillerSequence);
        continue;
      }
      counts[i] = sequences.length;
      for (const s of sequences) ids.push(s);
    }
    idStart[length] = ids.length;
    const allIds = Int32Array.from(ids);
    const batches: PackedBatch[] = [];
    const rowsOf: number[] = [];
    for (let from = 0; from < length; from += chunk) {
      const to = Math.min(length, from + chunk);
      let outputRows = 0;
      for (let i = from; i < to; i++) outputRows += this.outputs[i]!;
      for (let i = from; outputRows < 2 && i < to; i++)
        if (this.outputs[i] === 0) {
          this.outputs[i] = 1;
          outputRows++;
        }
      batches.push({
        tokens: this.tokens.slice(from, to),
        positions: this.positions.slice(from, to),
        sequenceCounts: counts.slice(from, to),
        sequenceIds: allIds.slice(idStart[from]!, idStart[to]!),
        outputs: this.outputs.slice(from, to),
      });
      rowsOf.push(from);
    }
    return { batches, rowsOf, fillers };
  }
}

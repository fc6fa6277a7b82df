import { describe, expect, it } from 'vitest';
import { CELL_BLOCK, SlotBatch } from './packed-layout.ts';
import { buildPrefixTrie, type ScoringRequest, type TrieNode } from './prefix-trie.ts';

/** A shared header, then questions whose choices branch (some sharing first tokens). */
function workload(seed: number, headerLength: number): ScoringRequest[] {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state >>> 16) % n; // the high bits: an LCG's low bits cycle with short periods
  };
  const header = Array.from({ length: headerLength }, () => 1 + next(50));
  const requests: ScoringRequest[] = [];
  for (let q = 0; q < 12; q++) {
    const question = [100 + q, ...Array.from({ length: 3 + next(30) }, () => 1 + next(50))];
    const shared = [1 + next(50)];
    for (let c = 0; c < 1 + next(4); c++) {
      const choice = Array.from({ length: 1 + next(6) }, () => 1 + next(50));
      requests.push({ context: [...header, ...question], continuation: c % 2 ? [...shared, ...choice] : choice });
    }
  }
  return requests;
}

interface Token {
  cell: number;
  slot: number;
  position: number;
  token: number;
}

/** Lays out the header's children in waves and returns, per sequence id of each wave, its tokens. */
function layOut(requests: ScoringRequest[], headerLength: number, block: number) {
  const { root } = buildPrefixTrie(requests);
  let header: TrieNode = root.children[0]!;
  while (header.end < headerLength) header = header.children[0]!;
  expect(header.end).toBe(headerLength);
  const waves: { sequences: Map<number, Token[]>; reads: SlotBatch['reads']; rows: Token[]; copied: number }[] = [];
  let units = header.children;
  while (units.length > 0) {
    const slots = new SlotBatch(512, headerLength, block);
    const left: TrieNode[] = [];
    let nextSequence = 1;
    for (const unit of units) {
      const after = slots.placeUnit(unit, nextSequence, 126);
      if (after < 0) left.push(unit);
      else nextSequence = after;
    }
    expect(left.length).toBeLessThan(units.length);
    const { batches } = slots.build(127, 512);
    const batch = batches[0]!;
    const sequences = new Map<number, Token[]>();
    const rows: Token[] = [];
    let id = 0;
    for (let slot = 0; slot < batch.tokens.length; slot++) {
      const t = {
        cell: headerLength + slot,
        slot,
        position: batch.positions[slot]!,
        token: batch.tokens[slot]!,
      };
      rows.push(t);
      for (let k = 0; k < batch.sequenceCounts[slot]!; k++) {
        const s = batch.sequenceIds[id++]!;
        if (s !== 127) sequences.set(s, [...(sequences.get(s) ?? []), t]);
      }
    }
    waves.push({ sequences, reads: slots.reads, rows, copied: slots.copiedTokens });
    units = left;
  }
  return waves;
}

describe('SlotBatch', () => {
  for (const headerLength of [16, 21, 47]) {
    it(`gives every sequence the cell blocks and lanes of a lone sequence (header of ${headerLength} tokens)`, () => {
      const requests = workload(headerLength + 7, headerLength);
      const paths = requests.map((r) => [...r.context, ...r.continuation.slice(0, -1)]);
      const origin = headerLength - (headerLength % CELL_BLOCK);
      let copied = 0;
      let sequences = 0;
      for (const wave of layOut(requests, headerLength, CELL_BLOCK)) {
        copied += wave.copied;
        for (const tokens of wave.sequences.values()) {
          sequences++;
          // Positions origin … end in slot order, the tokens of some request's path.
          expect(tokens.map((t) => t.position)).toEqual(tokens.map((_, i) => origin + i));
          const path = tokens.map((t) => t.token);
          expect(paths.some((p) => p.length === origin + path.length && p.slice(origin).join() === path.join())).toBe(
            true,
          );
          for (const t of tokens) expect(t.cell % CELL_BLOCK).toBe(t.position % CELL_BLOCK);
          const blockOf = new Map<number, number>();
          for (const t of tokens) {
            const cellBlock = Math.floor(t.cell / CELL_BLOCK);
            expect(blockOf.get(Math.floor(t.position / CELL_BLOCK)) ?? cellBlock).toBe(cellBlock);
            blockOf.set(Math.floor(t.position / CELL_BLOCK), cellBlock);
          }
        }
        // Every scoring point is read at a row of its position.
        for (const { row, point } of wave.reads) expect(wave.rows[row]!.position).toBe(point.position);
      }
      // One sequence per leaf: a path that is a prefix of another (a one-token choice) needs none of its own.
      const distinct = [...new Set(paths.map((p) => p.join(',')))].map((p) => p.split(','));
      const leaves = distinct.filter(
        (p) => !distinct.some((q) => q.length > p.length && q.slice(0, p.length).join() === p.join()),
      );
      expect(sequences).toBe(leaves.length);
      expect(copied).toBeGreaterThan(0); // choices after the first fork
    });
  }

  it('with flash attention (block 1) only keeps each sequence in position order, and copies nothing', () => {
    const requests = workload(5, 21);
    for (const wave of layOut(requests, 21, 1)) {
      expect(wave.copied).toBe(0);
      for (const tokens of wave.sequences.values()) {
        expect(tokens.map((t) => t.position)).toEqual(tokens.map((_, i) => 21 + i));
        for (let i = 1; i < tokens.length; i++) expect(tokens[i]!.slot).toBeGreaterThan(tokens[i - 1]!.slot);
      }
    }
  });

  it('refuses, leaving the batch unchanged, a unit with more leaves than the sequence ids left', () => {
    const { root } = buildPrefixTrie(workload(3, 16));
    const unit = root.children[0]!.children.find((c) => c.children.length > 1)!;
    const slots = new SlotBatch(512, 16, CELL_BLOCK);
    expect(slots.placeUnit(unit, 1, 1)).toBe(-1);
    expect(slots.end).toBe(0);
    expect(slots.placeUnit(unit, 1, 126)).toBeGreaterThan(2);
  });

  it('splits a wave into decodes with at least two tokens and two output rows each', () => {
    const requests = workload(9, 16);
    const { root } = buildPrefixTrie(requests);
    const header = root.children[0]!;
    const slots = new SlotBatch(512, 16, 1);
    let nextSequence = 1;
    for (const unit of header.children) nextSequence = Math.max(nextSequence, slots.placeUnit(unit, nextSequence, 126));
    const { batches } = slots.build(127, 63);
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches) {
      expect(b.tokens.length).toBeGreaterThanOrEqual(2);
      expect(b.tokens.length).toBeLessThanOrEqual(63);
      expect(b.outputs.reduce((n, x) => n + x, 0)).toBeGreaterThanOrEqual(2);
    }
  });
});

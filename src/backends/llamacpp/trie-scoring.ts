import type { DecodeScheduler } from './decode-scheduler.ts';
import { buildPrefixTrie, type ScoringRequest, type TrieNode } from './prefix-trie.ts';
import { TrieScores } from './trie-scores.ts';

export type { ScoringRequest };

export interface TokenScore {
  /** Sum of log-softmax over the continuation's tokens (natural log), in token order. */
  readonly logprob: number;
  /** Whether the argmax at every continuation position is the continuation's token. */
  readonly isGreedy: boolean;
}

/** Log-probabilities of chosen tokens at rows of the last decode; see native-helper.ts and logit-readers.ts. */
export type RowScorer = (
  rows: Int32Array,
  targets: Int32Array,
) => Promise<{ logprobs: Float64Array; isArgmax: Uint8Array }>;

export interface TrieScoringOptions {
  readonly onScored?: (requestIndex: number, score: TokenScore) => void;
  readonly signal?: AbortSignal;
  /** Makes `destination` hold `source`'s cells; without it a sequence re-evaluates the path instead. */
  readonly copySequence?: (source: number, destination: number) => void;
}

export interface TrieScoringStats {
  readonly uniqueTokens: number;
  readonly copies: number;
  readonly replayedTokens: number;
}

/** Paths up to this long are re-evaluated rather than copied. */
const REPLAY_AT_MOST = 8;

/** Per sequence: which trie node's path it holds, and how much of that node. */
interface Resident {
  node: TrieNode | null;
  length: number;
}

function isOnPath(ancestor: TrieNode, node: TrieNode | null): boolean {
  for (let n = node; n; n = n.parent) if (n === ancestor) return true;
  return false;
}

/**
 * Scores requests by evaluating every node of their prefix trie once. Each sequence walks the trie
 * depth-first (positions stay short, its cells stay useful); a sequence with nothing left on its
 * own path takes the unstarted child with the most work anywhere, first copying the KV cells of a
 * sequence that holds the parent's path (llama_memory_seq_cp), so shared prefixes such as few-shot
 * examples are evaluated once however many sequences use them.
 */
export async function scoreWithTrie(
  sequences: readonly number[],
  scheduler: DecodeScheduler,
  scoreRows: RowScorer,
  requests: readonly ScoringRequest[],
  o: TrieScoringOptions = {},
): Promise<{ scores: TokenScore[]; stats: TrieScoringStats }> {
  const { root, uniqueTokens } = buildPrefixTrie(requests);
  const scores = new TrieScores(requests, o.onScored);
  const resident: Resident[] = sequences.map(() => ({ node: null, length: 0 }));
  /** Evaluated nodes whose children are not all started, with the next child to start. */
  const open = new Map<TrieNode, number>(root.children.length > 0 ? [[root, 0]] : []);
  let copies = 0;
  let replayedTokens = 0;
  let running = 0;
  let wake: (() => void) | null = null;

  const evaluateNode = async (slot: number, node: TrieNode, from: number): Promise<void> => {
    const points = node.points.filter((p) => p.position >= from);
    const outputs = [...new Set(points.map((p) => p.position - from))];
    await scheduler.evaluate(
      { sequence: sequences[slot]!, start: from, tokens: node.path.slice(from, node.end), outputs },
      async (rows, offsets) => {
        const rowOf = new Map(offsets.map((offset, i) => [offset + from, rows[i]!]));
        const hit = points.filter((p) => rowOf.has(p.position));
        const result = await scoreRows(
          Int32Array.from(hit, (p) => rowOf.get(p.position)!),
          Int32Array.from(hit, (p) => p.target),
        );
        for (const [i, p] of hit.entries()) scores.record(p, result.logprobs[i]!, result.isArgmax[i]!);
      },
    );
    resident[slot] = { node, length: node.end };
  };

  /** Makes `slot` hold `parent`'s full path: truncation if it already does, else a copy or a replay. */
  const placeAfter = async (slot: number, parent: TrieNode): Promise<void> => {
    const own = resident[slot]!;
    if (isOnPath(parent, own.node) && own.length >= parent.end) {
      scheduler.truncate(sequences[slot]!, parent.end);
      resident[slot] = { node: parent, length: parent.end };
      return;
    }
    const holder = resident.findIndex((r) => isOnPath(parent, r.node) && r.length >= parent.end);
    // A copy moves the whole KV stream (every cell of the sequence); a few tokens cost less to redo.
    if (holder >= 0 && o.copySequence && parent.end > REPLAY_AT_MOST) {
      o.copySequence(sequences[holder]!, sequences[slot]!);
      scheduler.truncate(sequences[slot]!, parent.end);
      resident[slot] = { node: parent, length: parent.end };
      copies++;
      return;
    }
    // No copy: evaluate the path again, node by node (the same chunks give the same cells).
    scheduler.truncate(sequences[slot]!, 0);
    resident[slot] = { node: null, length: 0 };
    const chain: TrieNode[] = [];
    for (let n: TrieNode | null = parent; n && n !== root; n = n.parent) chain.unshift(n);
    for (const n of chain) {
      await scheduler.evaluate(
        { sequence: sequences[slot]!, start: n.start, tokens: n.path.slice(n.start, n.end), outputs: [] },
        () => {},
      );
      replayedTokens += n.end - n.start;
    }
    resident[slot] = { node: parent, length: parent.end };
  };

  /** The next child to start for `slot`: deepest open node on its own path, else the open node with most work left. */
  const takeWork = (slot: number): { parent: TrieNode; child: TrieNode } | null => {
    let chosen: TrieNode | null = null;
    for (let n: TrieNode | null = resident[slot]!.node ?? root; n; n = n.parent)
      if (open.has(n)) {
        chosen = n;
        break;
      }
    if (!chosen) {
      let bestWork = -1;
      for (const [node, next] of open) {
        let left = 0;
        for (let i = next; i < node.children.length; i++) left += node.children[i]!.work;
        if (left > bestWork) {
          bestWork = left;
          chosen = node;
        }
      }
    }
    if (!chosen) return null;
    const next = open.get(chosen)!;
    const child = chosen.children[next]!;
    if (next + 1 >= chosen.children.length) open.delete(chosen);
    else open.set(chosen, next + 1);
    return { parent: chosen, child };
  };

  root.children.sort((a, b) => b.work - a.work);
  let failed = false;
  const worker = async (slot: number): Promise<void> => {
    for (;;) {
      if (failed) return;
      o.signal?.throwIfAborted();
      const work = takeWork(slot);
      if (!work) {
        if (running === 0) return;
        await new Promise<void>((resolve) => {
          const previous = wake;
          wake = () => {
            previous?.();
            resolve();
          };
        });
        continue;
      }
      running++;
      try {
        await placeAfter(slot, work.parent);
        await evaluateNode(slot, work.child, work.child.start);
        if (work.child.children.length > 0) {
          work.child.children.sort((a, b) => b.work - a.work);
          open.set(work.child, 0);
        }
      } catch (e) {
        failed = true; // the others stop at their next node
        throw e;
      } finally {
        running--;
        const w = wake;
        wake = null;
        w?.();
      }
    }
  };
  // Every worker settles before returning: no decode may still be running when the caller resets the sequences.
  const settled = await Promise.allSettled(sequences.map((_, slot) => worker(slot)));
  const rejected = settled.find((s) => s.status === 'rejected');
  if (rejected) throw rejected.reason;
  return { scores: scores.all(), stats: { uniqueTokens, copies, replayedTokens } };
}

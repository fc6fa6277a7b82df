import { commonPrefixLength, compareTokenLists } from '../token-lists.ts';

/** Token-level scoring request: log P(continuation | context), after tokenisation and truncation. */
export interface ScoringRequest {
  readonly context: readonly number[];
  readonly continuation: readonly number[];
}

/** A position whose next-token distribution scores continuation token `index` of request `request`. */
export interface ScoringPoint {
  readonly position: number;
  readonly request: number;
  readonly index: number;
  readonly target: number;
}

/**
 * A radix-trie node: the tokens at positions [start, end) of every path through it. Evaluating a
 * node needs its parent's path resident in the sequence; its children then share its KV cells.
 */
export interface TrieNode {
  readonly parent: TrieNode | null;
  readonly start: number;
  end: number;
  /** The full path of one request through this node; tokens [start, end) are this node's. */
  path: readonly number[];
  readonly children: TrieNode[];
  points: ScoringPoint[];
  /** Tokens in this node and below: what a sequence evaluates to finish the subtree. */
  work: number;
}

export interface PrefixTrie {
  /** A virtual node with no tokens (start = end = 0); its children start at position 0. */
  readonly root: TrieNode;
  /** Sum of node lengths: each distinct (prefix, token) once. */
  readonly uniqueTokens: number;
}

function newNode(parent: TrieNode | null, start: number, path: readonly number[]): TrieNode {
  return { parent, start, end: path.length, path, children: [], points: [], work: 0 };
}

/** Cuts `node` at position `at`: the node keeps [start, at), a new child takes the rest and the children. */
function split(node: TrieNode, at: number): void {
  const tail = newNode(node, at, node.path);
  tail.end = node.end;
  tail.children.push(...node.children);
  for (const child of tail.children) (child as { parent: TrieNode | null }).parent = tail;
  tail.points = node.points.filter((p) => p.position >= at);
  node.points = node.points.filter((p) => p.position < at);
  node.children.length = 0;
  node.children.push(tail);
  node.end = at;
}

/**
 * Builds the trie of every request's evaluated path, context + continuation[:-1] (the last
 * continuation token is predicted, never fed). Paths are sorted so that each one shares its
 * longest prefix with the one before it, which makes the build a single pass with a stack.
 * Request i scores positions context.length - 1 ... path.length - 1.
 */
export function buildPrefixTrie(requests: readonly ScoringRequest[]): PrefixTrie {
  const paths = requests.map((r) => [...r.context, ...r.continuation.slice(0, -1)]);
  const order = paths.map((_, i) => i).sort((a, b) => compareTokenLists(paths[a]!, paths[b]!) || a - b);
  const root = newNode(null, 0, []);
  let stack: TrieNode[] = [root];
  let previous: readonly number[] = [];
  for (const r of order) {
    const path = paths[r]!;
    const shared = commonPrefixLength(previous, path);
    while (stack.length > 1 && stack.at(-1)!.start >= shared) stack.pop();
    const top = stack.at(-1)!;
    if (top.end > shared) split(top, shared);
    if (path.length > shared) {
      const node = newNode(stack.at(-1)!, shared, path);
      stack.at(-1)!.children.push(node);
      stack = [...stack, node];
    }
    const request = requests[r]!;
    const first = request.context.length - 1;
    for (let index = 0; index < request.continuation.length; index++) {
      const position = first + index;
      let holder = stack.length - 1;
      while (stack[holder]!.start > position) holder--;
      stack[holder]!.points.push({ position, request: r, index, target: request.continuation[index]! });
    }
    previous = path;
  }
  let uniqueTokens = 0;
  const sumWork = (node: TrieNode): number => {
    uniqueTokens += node.end - node.start;
    node.work = node.end - node.start;
    for (const child of node.children) node.work += sumWork(child);
    node.points.sort((a, b) => a.position - b.position);
    return node.work;
  };
  sumWork(root);
  return { root, uniqueTokens };
}

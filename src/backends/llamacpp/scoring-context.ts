import type { LlamaContext, LlamaContextSequence } from 'node-llama-cpp';
import type { ScoringRequest } from './prefix-trie.ts';

/** llama.cpp sizes each sequence's KV stream in multiples of this many cells. */
const CELL_GRANULE = 256;

export interface ScoringShape {
  readonly sequences: number;
  readonly cellsPerSequence: number;
}

/**
 * How many sequences a scoring call can use within the main context's KV budget, when each needs
 * only its longest path (plus `headroom` cells for padding) rather than the full n_ctx: short
 * multiple-choice items then fan out over many sequences, which flash attention evaluates at
 * little cost per sequence. Null when that is no more sequences than the main context has.
 */
export function fitScoringShape(
  requests: readonly ScoringRequest[],
  main: ScoringShape,
  maxSequences: number,
  headroom: number,
): ScoringShape | null {
  let longest = 0;
  for (const r of requests) longest = Math.max(longest, r.context.length + r.continuation.length - 1);
  const cellsPerSequence = Math.ceil((longest + headroom) / CELL_GRANULE) * CELL_GRANULE;
  if (cellsPerSequence >= main.cellsPerSequence) return null;
  const budget = main.sequences * main.cellsPerSequence;
  const sequences = Math.min(maxSequences, Math.floor(budget / cellsPerSequence));
  return sequences > main.sequences ? { sequences, cellsPerSequence } : null;
}

export interface FittedContext {
  readonly context: LlamaContext;
  readonly sequences: readonly LlamaContextSequence[];
}

/** Keeps one extra context of the last fitted shape, so consecutive calls of a task reuse it. */
export class FittedContexts {
  private current: (FittedContext & { shape: ScoringShape }) | null = null;

  constructor(
    private readonly create: (shape: ScoringShape) => Promise<LlamaContext>,
    private readonly takeSequences: (context: LlamaContext) => LlamaContextSequence[],
  ) {}

  async get(shape: ScoringShape): Promise<FittedContext> {
    const c = this.current;
    if (c && c.shape.sequences === shape.sequences && c.shape.cellsPerSequence === shape.cellsPerSequence) return c;
    await this.dispose();
    const context = await this.create(shape);
    this.current = { shape, context, sequences: this.takeSequences(context) };
    return this.current;
  }

  async dispose(): Promise<void> {
    const c = this.current;
    this.current = null;
    if (c) await c.context.dispose();
  }
}

import type { AddonContextApi } from './native-helper.ts';

/**
 * Merges what many sequences ask to evaluate into llama_decode calls, with a rule that makes every
 * number independent of how the work was batched.
 *
 * llama.cpp (v0.4.0, as pinned by node-llama-cpp 3.21.1) gives each sequence its own KV stream and
 * splits a batch into ubatches in which every sequence has the same token count (split_equal).
 * Two facts make results depend on batching, and this class removes both:
 * - A sequence with one token in a ubatch takes other CPU kernels (matrix-vector, single-query
 *   attention) than one with ≥ 2, rounding differently. So every sequence in a decode gets the same
 *   count c ≥ 2; a sequence with fewer real tokens is padded with filler tokens at the following
 *   positions, which nothing real attends to (causal mask) and which are erased after the decode.
 * - Attention sums over KV cells in cell order. Each sequence's cells are kept equal to positions
 *   (contiguous from 0, always truncated before appending), so a token's attention sees the same
 *   cells in the same order whatever the sequence held before.
 * With both, a token's logits depend only on its path, not on chunking, batch size or order.
 */
export interface EvaluationRequest {
  readonly sequence: number;
  /** Position of tokens[0]; the sequence must hold exactly `start` tokens. */
  readonly start: number;
  readonly tokens: readonly number[];
  /** Offsets into `tokens` whose logits are wanted, ascending. */
  readonly outputs: readonly number[];
}

/** Called right after the decode that computed these rows, before any other decode. */
export type OutputReader = (rows: Int32Array, offsets: readonly number[]) => void | Promise<void>;

interface Pending {
  readonly request: EvaluationRequest;
  done: number;
  readonly read: OutputReader;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export interface SchedulerStats {
  decodes: number;
  realTokens: number;
  paddingTokens: number;
  /** Wall time inside llama_decode; the rest of a call is reading outputs, copies and bookkeeping. */
  decodeMs: number;
}

/**
 * What a decode costs besides its tokens, in tokens of compute, for choosing the common count:
 * a fixed part per llama_decode and a part per participating sequence (135M-shape model, 2
 * threads, bench/README.md). Without flash attention the per-sequence part is real (each
 * sequence's attention is a small matrix product per head and layer, each with thread barriers)
 * but charging it made decodes pad more and run slower, so it is left at 0. Flash attention
 * computes all sequences in one operation, and many short sequences then pay.
 */
export interface DecodeCosts {
  readonly perDecode: number;
  readonly perSequence: number;
}
export const DECODE_COSTS = {
  plain: { perDecode: 16, perSequence: 0 },
  flashAttention: { perDecode: 40, perSequence: 1 },
} as const satisfies Record<string, DecodeCosts>;

/**
 * With flash attention, llama.cpp's CPU kernel takes a tiled path (F32 accumulators) for 64 or more
 * tokens of one sequence in a ubatch and a per-row path (F16 accumulators) below: results would
 * depend on chunking. Counts stay below 64, so every row takes the per-row path.
 */
export const FLASH_ATTENTION_MAX_COUNT = 63;

export interface SchedulerOptions {
  readonly costs: DecodeCosts;
  /** Largest count c per sequence and decode. */
  readonly maxCount: number;
}

export class DecodeScheduler {
  readonly stats: SchedulerStats = { decodes: 0, realTokens: 0, paddingTokens: 0, decodeMs: 0 };
  private readonly pending = new Map<number, Pending>();
  private dispatching = false;
  private scheduled = false;
  private failure: unknown;

  constructor(
    private readonly native: AddonContextApi,
    private readonly batchSize: number,
    /** Cells per sequence: padding never goes past this. */
    private readonly sequenceCells: number,
    private readonly fillerToken: number,
    private readonly options: SchedulerOptions,
  ) {}

  /** Evaluates `request` (possibly over several decodes); resolves once its last chunk is decoded and read. */
  evaluate(request: EvaluationRequest, read: OutputReader): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending.has(request.sequence)) throw new Error(`sequence ${request.sequence} is already evaluating`);
    if (request.tokens.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.pending.set(request.sequence, { request, done: 0, read, resolve, reject });
      this.schedule();
    });
  }

  /** Drops the sequence's cells from `length` on (never while a decode runs: callers run between decodes). */
  truncate(sequence: number, length: number): void {
    this.native.removeTokenCellsFromSequence(sequence, length, -1);
  }

  private schedule(): void {
    if (this.scheduled || this.dispatching) return;
    this.scheduled = true;
    // After the current microtasks: every sequence whose previous chunk just finished gets to queue
    // its next one, so they share the decode.
    setImmediate(() => {
      this.scheduled = false;
      void this.dispatch();
    });
  }

  /**
   * Chooses the common count c: among the remaining lengths (capped so the decode fits the batch),
   * the one with the most real tokens per unit of cost (padding + a fixed per-decode overhead).
   * Sequences with more tokens left than c do c now; those with fewer are padded up to c.
   */
  private chooseCount(remaining: readonly number[]): number {
    let best = 2;
    let bestValue = -1;
    const { perDecode, perSequence } = this.options.costs;
    for (const candidate of new Set(remaining)) {
      const participants = remaining.length;
      const c = Math.max(2, Math.min(candidate, this.options.maxCount, Math.floor(this.batchSize / participants)));
      let real = 0;
      for (const r of remaining) real += Math.min(r, c);
      const value = real / (perDecode + participants * (perSequence + c));
      if (value > bestValue) {
        bestValue = value;
        best = c;
      }
    }
    return best;
  }

  private async dispatch(): Promise<void> {
    if (this.pending.size === 0) return;
    this.dispatching = true;
    try {
      // Sequence order: llama.cpp only puts consecutive sequence ids into one ubatch.
      const jobs = [...this.pending.values()]
        .filter((p) => p.request.start + p.done + 2 <= this.sequenceCells)
        .sort((a, b) => a.request.sequence - b.request.sequence);
      if (jobs.length === 0) throw new Error('a request does not fit its sequence');
      let participants = jobs.slice(0, Math.floor(this.batchSize / 2));
      const count = this.chooseCount(participants.map((p) => p.request.tokens.length - p.done));
      // Padding must stay inside the sequence's cells; a sequence that cannot pad waits.
      participants = participants.filter((p) => p.request.start + p.done + count <= this.sequenceCells);
      if (participants.length === 0) participants = [jobs[0]!];
      this.native.initBatch(participants.length * count);
      const plans = participants.map((p) => {
        const { request } = p;
        const from = p.done;
        const real = Math.min(count, request.tokens.length - from);
        const tokens = new Uint32Array(count).fill(this.fillerToken);
        for (let i = 0; i < real; i++) tokens[i] = request.tokens[from + i]!;
        const offsets = request.outputs.filter((o) => o >= from && o < from + real);
        return { p, from, real, tokens, offsets, logitIndexes: offsets.map((o) => o - from) };
      });
      // One output row in a ubatch makes llama.cpp project it with the matrix-vector kernel, which
      // rounds differently from the matrix-matrix one used for ≥ 2 rows: such a ubatch gets a
      // second, unread row. With equal counts, a ubatch is a run of consecutive sequence ids.
      for (let first = 0; first < plans.length; ) {
        let last = first;
        while (last + 1 < plans.length && plans[last + 1]!.p.request.sequence === plans[last]!.p.request.sequence + 1)
          last++;
        const run = plans.slice(first, last + 1);
        if (run.reduce((n, plan) => n + plan.logitIndexes.length, 0) === 1) {
          const plan = run.find((x) => x.logitIndexes.length === 1)!;
          const only = plan.logitIndexes[0]!;
          plan.logitIndexes = only === 0 ? [0, 1] : [0, only];
        }
        first = last + 1;
      }
      const chunks = plans.map((plan) => {
        const { p, from, real, tokens, offsets } = plan;
        const batchRows = this.native.addToBatch(
          p.request.sequence,
          p.request.start + from,
          tokens,
          Uint32Array.from(plan.logitIndexes),
        );
        const rows = Int32Array.from(offsets, (o) => batchRows[plan.logitIndexes.indexOf(o - from)]!);
        this.stats.realTokens += real;
        this.stats.paddingTokens += tokens.length - real;
        return { p, real, padded: tokens.length, offsets, rows };
      });
      const started = performance.now();
      await this.native.decodeBatch();
      this.stats.decodeMs += performance.now() - started;
      this.stats.decodes++;
      for (const chunk of chunks) {
        if (chunk.offsets.length > 0) await chunk.p.read(chunk.rows, chunk.offsets);
      }
      for (const { p, real, padded } of chunks) {
        const end = p.request.start + p.done + real;
        if (padded > real) this.truncate(p.request.sequence, end);
        p.done += real;
        if (p.done === p.request.tokens.length) {
          this.pending.delete(p.request.sequence);
          p.resolve();
        }
      }
    } catch (e) {
      this.failure = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    } finally {
      this.dispatching = false;
    }
    if (this.pending.size > 0) this.schedule();
  }
}

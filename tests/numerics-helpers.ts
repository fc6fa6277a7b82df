/**
 * Helpers for the batch-invariance and resume tests: compare per-item outputs (samples files or
 * in-process results) and report the largest log-likelihood difference, and a Backend wrapper that
 * sends every call's requests in a seeded shuffled order. Only the Backend interface and the
 * samples files are used, so a rewrite of the llama.cpp scoring path does not touch these tests.
 */
import { readFileSync } from 'node:fs';
import type { Backend, CallOptions } from '../src/backends/types.ts';
import type { Request, Result, ResultOf } from '../src/requests/types.ts';
import { listFiles } from './helpers.ts';
import { seededRandom } from './process-helpers.ts';

/** What differs between two per-item outputs. */
export interface Diff {
  /** Numbers compared (log-likelihoods, token counts) and how many differ. */
  numbers: number;
  differingNumbers: number;
  /** Largest |a − b| over all numbers (nats, for log-likelihoods). */
  worstDelta: number;
  /** Strings (greedy generations) that differ: must be 0. */
  differingStrings: number;
  /** Booleans (is-greedy flags) that differ. */
  differingFlags: number;
  /** Rows whose other fields (metrics, doc, prompt, target) differ: must be 0. */
  differingRows: number;
  /** Where the first difference is, for the failure message. */
  first: string | undefined;
}

export function emptyDiff(): Diff {
  return {
    numbers: 0,
    differingNumbers: 0,
    worstDelta: 0,
    differingStrings: 0,
    differingFlags: 0,
    differingRows: 0,
    first: undefined,
  };
}

/** Walks two values of the same shape, counting what differs into `d`. */
export function diffValues(a: unknown, b: unknown, d: Diff, path: string): void {
  const note = () => {
    d.first ??= `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  };
  if (typeof a === 'number' && typeof b === 'number') {
    d.numbers++;
    if (a !== b) {
      d.differingNumbers++;
      d.worstDelta = Math.max(d.worstDelta, Math.abs(a - b));
      note();
    }
  } else if (typeof a === 'string' && typeof b === 'string') {
    if (a !== b) {
      d.differingStrings++;
      note();
    }
  } else if (typeof a === 'boolean' && typeof b === 'boolean') {
    if (a !== b) {
      d.differingFlags++;
      note();
    }
  } else if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (const [i, x] of a.entries()) diffValues(x, b[i], d, `${path}[${i}]`);
  } else if (isRecord(a) && isRecord(b) && sameKeys(a, b)) {
    for (const k of Object.keys(a)) diffValues(a[k], b[k], d, `${path}.${k}`);
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    d.differingRows++;
    note();
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const sameKeys = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  JSON.stringify(Object.keys(a).sort()) === JSON.stringify(Object.keys(b).sort());

export type SamplesByTask = Record<string, Record<string, unknown>[]>;

/** The samples files under an --output_path folder, parsed, keyed by task name. */
export function readSamples(outputPath: string): SamplesByTask {
  const out: SamplesByTask = {};
  for (const file of listFiles(outputPath)) {
    const m = /samples_(.+?)_\d{4}-\d\d-\d\dT[^/]*\.jsonl$/.exec(file);
    if (!m) continue;
    out[m[1]!] = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
  return out;
}

/**
 * Compares samples rows: the typed `evalboard.resps`/`evalboard.filtered_resps` value by value
 * (log-likelihoods numerically, generations exactly), every other field (doc, prompt, per-item
 * metrics) exactly except lm-eval's string copies of the responses, which follow the typed ones.
 */
export function diffSamples(a: SamplesByTask, b: SamplesByTask): Diff {
  const d = emptyDiff();
  const tasks = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const task of tasks) {
    const rowsA = a[task] ?? [];
    const rowsB = b[task] ?? [];
    if (rowsA.length !== rowsB.length) {
      d.differingRows += Math.abs(rowsA.length - rowsB.length);
      d.first ??= `${task}: ${rowsA.length} vs ${rowsB.length} rows`;
    }
    rowsA.slice(0, rowsB.length).forEach((rowA, i) => {
      const rowB = rowsB[i]!;
      const where = `${task} doc ${String(rowA.doc_id)}`;
      const typed = (row: Record<string, unknown>) => (row.evalboard ?? {}) as Record<string, unknown>;
      diffValues(typed(rowA).resps, typed(rowB).resps, d, `${where} resps`);
      diffValues(typed(rowA).filtered_resps, typed(rowB).filtered_resps, d, `${where} filtered_resps`);
      const rest = (row: Record<string, unknown>) =>
        JSON.stringify({
          ...row,
          resps: null,
          filtered_resps: null,
          evalboard: { ...typed(row), resps: null, filtered_resps: null },
        });
      if (rest(rowA) !== rest(rowB)) {
        d.differingRows++;
        d.first ??= `${where}: fields other than resps differ`;
      }
    });
  }
  return d;
}

/** One line for the test log. */
export function describeDiff(label: string, d: Diff): string {
  return (
    `${label}: worst |Δ| ${d.worstDelta.toExponential(2)} nats, ${d.differingNumbers}/${d.numbers} numbers differ, ` +
    `${d.differingStrings} generations, ${d.differingFlags} is-greedy flags, ${d.differingRows} rows/metrics differ` +
    (d.first ? ` (first: ${d.first.slice(0, 200)})` : '')
  );
}

/** A seeded permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, seed: number): number[] {
  const random = seededRandom(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * Sends each call's requests to `inner` in a seeded shuffled order and hands the results (and the
 * per-result callbacks) back in the caller's order: what a different request order looks like to
 * the backend, with everything above it unchanged.
 */
export class ShuffledBackend implements Backend {
  readonly id: string;
  readonly info: Backend['info'];
  readonly capabilities: Backend['capabilities'];
  readonly maxLength: number;
  private calls = 0;

  constructor(
    private readonly inner: Backend,
    private readonly seed: number,
  ) {
    this.id = inner.id;
    this.info = inner.info;
    this.capabilities = inner.capabilities;
    this.maxLength = inner.maxLength;
  }

  loglikelihood(reqs: Parameters<Backend['loglikelihood']>[0], o?: CallOptions) {
    return this.shuffled(reqs, o, (r, io) => this.inner.loglikelihood(r, io));
  }

  loglikelihoodRolling(reqs: Parameters<Backend['loglikelihoodRolling']>[0], o?: CallOptions) {
    return this.shuffled(reqs, o, (r, io) => this.inner.loglikelihoodRolling(r, io));
  }

  generateUntil(reqs: Parameters<Backend['generateUntil']>[0], o?: CallOptions) {
    return this.shuffled(reqs, o, (r, io) => this.inner.generateUntil(r, io));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async shuffled<R extends Request>(
    reqs: readonly R[],
    o: CallOptions | undefined,
    call: (reqs: R[], o: CallOptions) => Promise<ResultOf<R>[]>,
  ): Promise<ResultOf<R>[]> {
    const order = permutation(reqs.length, this.seed + this.calls++);
    const onResult = o?.onResult;
    const onResultValue = o?.onResultValue;
    const out = await call(
      order.map((i) => reqs[i]!),
      {
        ...(o?.signal ? { signal: o.signal } : {}),
        ...(onResult ? { onResult: (j: number, tokens: number) => onResult(order[j]!, tokens) } : {}),
        ...(onResultValue ? { onResultValue: (j: number, r: Result) => onResultValue(order[j]!, r) } : {}),
      },
    );
    const results: ResultOf<R>[] = new Array(reqs.length);
    out.forEach((r, j) => {
      results[order[j]!] = r;
    });
    return results;
  }
}

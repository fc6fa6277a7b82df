// A scripted Backend for the cache tests (and the child processes they spawn).
import type { Backend, BackendInfo, CallOptions, Capability } from '../backends/types.ts';
import type {
  GenerateRequest,
  GenerateResult,
  LoglikelihoodRequest,
  LoglikelihoodResult,
  LoglikelihoodRollingRequest,
  LoglikelihoodRollingResult,
  Request,
  Result,
} from '../requests/types.ts';
import { reportResult } from './journal.ts';

export interface FakeBackendOptions {
  /** Milliseconds to wait before each result, to give a test time to kill the process. */
  readonly delayMs?: number;
  /** Report each result's value through the journal extension (reportResult), not just onResult. */
  readonly journal?: boolean;
  /** Reject the call after this many results have been reported. */
  readonly failAfter?: number;
}

export class FakeBackend implements Backend {
  readonly id = 'fake-model@rev1';
  readonly info: BackendInfo = { backend: 'fake', modelId: 'fake-model', settings: {}, details: {} };
  readonly capabilities: ReadonlySet<Capability> = new Set(['loglikelihood', 'loglikelihoodRolling', 'generateUntil']);
  readonly maxLength = 2048;
  /** The requests of every call that reached this backend, in order. */
  readonly calls: Request[][] = [];
  /** Makes every generation unique, so a repeated result proves it came from the cache. */
  private generationCounter = 0;

  constructor(private readonly options: FakeBackendOptions = {}) {}

  loglikelihood(reqs: readonly LoglikelihoodRequest[], o?: CallOptions): Promise<LoglikelihoodResult[]> {
    return this.run(reqs, o, (r) => ({
      logprob: -(r.context.length + r.continuation.length) / 10,
      isGreedy: r.continuation.length % 2 === 0,
      tokens: r.continuation.length,
      truncated: false,
    }));
  }

  loglikelihoodRolling(
    reqs: readonly LoglikelihoodRollingRequest[],
    o?: CallOptions,
  ): Promise<LoglikelihoodRollingResult[]> {
    return this.run(reqs, o, (r) => ({ logprob: -r.text.length / 7, tokens: r.text.length }));
  }

  generateUntil(reqs: readonly GenerateRequest[], o?: CallOptions): Promise<GenerateResult[]> {
    return this.run(reqs, o, () => {
      const text = `generation ${this.generationCounter++} at ${Date.now()}`;
      return { text, tokens: 5, hitMaxTokens: false, truncated: false };
    });
  }

  async close(): Promise<void> {}

  private async run<R extends Request, T extends Result>(
    reqs: readonly R[],
    o: CallOptions | undefined,
    evaluate: (request: R) => T,
  ): Promise<T[]> {
    this.calls.push([...reqs]);
    const results: T[] = [];
    for (const [index, request] of reqs.entries()) {
      if (this.options.failAfter !== undefined && index >= this.options.failAfter) {
        throw new Error(`fake backend failed at request ${index}`);
      }
      if (this.options.delayMs) await new Promise((done) => setTimeout(done, this.options.delayMs));
      const result = evaluate(request);
      results.push(result);
      if (this.options.journal) reportResult(o, index, result.tokens, result);
      else o?.onResult?.(index, result.tokens);
    }
    return results;
  }
}

export function generateRequests(count: number): GenerateRequest[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: 'generateUntil',
    context: `Question ${i}: what is ${i} + ${i}?\nAnswer:`,
    settings: { until: ['\n'], maxGenToks: 32, temperature: 0 },
  }));
}

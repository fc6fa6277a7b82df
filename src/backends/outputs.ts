import { createHash } from 'node:crypto';
import { UserError } from '../errors.ts';
import type {
  GenerateRequest,
  GenerateResult,
  LoglikelihoodResult,
  LoglikelihoodRollingResult,
} from '../requests/types.ts';
import { cutAtFirstStop } from '../requests/stop.ts';
import { type Backend, type BackendInfo, type CallOptions, type Capability, reportResult } from './types.ts';

/** An outputs file holds generations; the capability check stops log-likelihood tasks before this. */
function generationOnly(reqs: readonly unknown[]): never[] {
  if (reqs.length > 0) throw new UserError('scoring outputs works for generate_until tasks only');
  return [];
}

/** The dispatcher passes each request's repeat index along with the call options. */
type RepeatCallOptions = CallOptions & { readonly repeats?: readonly number[] };

/**
 * Answers generate requests with completions produced elsewhere (`evalboard score`): each prompt
 * is bound to its document's outputs, one per repeat, and each answer is cut at the request's stop
 * strings as a model's generation would be. Nothing else can be asked of it.
 */
export class OutputsBackend implements Backend {
  readonly id: string;
  readonly info: BackendInfo;
  readonly capabilities: ReadonlySet<Capability> = new Set<Capability>(['generateUntil']);
  readonly maxLength = Number.MAX_SAFE_INTEGER;
  private readonly byContext = new Map<string, { readonly docId: number; readonly outputs: readonly string[] }>();

  constructor(source: string, contentHash: string) {
    this.id = `outputs:${createHash('sha256').update(contentHash).digest('hex').slice(0, 16)}`;
    this.info = { backend: 'outputs', modelId: source, settings: {}, details: { sha256: contentHash } };
  }

  /** Binds a prompt to its document's outputs; two documents with one prompt must agree. */
  bind(context: string, docId: number, outputs: readonly string[]): void {
    const known = this.byContext.get(context);
    if (known && JSON.stringify(known.outputs) !== JSON.stringify(outputs))
      throw new UserError(`doc_id ${known.docId} and ${docId} have the same prompt but different outputs`);
    this.byContext.set(context, { docId, outputs });
  }

  async generateUntil(reqs: readonly GenerateRequest[], o?: CallOptions): Promise<GenerateResult[]> {
    const repeats = (o as RepeatCallOptions | undefined)?.repeats;
    return reqs.map((req, i) => {
      const bound = this.byContext.get(req.context);
      if (!bound) throw new Error('outputs backend: a request for a prompt no document was bound to');
      const repeat = repeats?.[i] ?? 0;
      const text = bound.outputs[repeat];
      if (text === undefined)
        throw new UserError(
          `doc_id ${bound.docId} has ${bound.outputs.length} outputs; the task asks for a repeat ${repeat + 1}`,
          { field: 'outputs' },
          'give one output per repeat',
        );
      const cut = cutAtFirstStop(text, req.settings.until, req.settings.reasoning);
      const result: GenerateResult = { text: cut.text, tokens: 0, hitMaxTokens: false, truncated: false };
      reportResult(o, i, 0, result);
      return result;
    });
  }

  async loglikelihood(reqs: readonly unknown[]): Promise<LoglikelihoodResult[]> {
    return generationOnly(reqs);
  }

  async loglikelihoodRolling(reqs: readonly unknown[]): Promise<LoglikelihoodRollingResult[]> {
    return generationOnly(reqs);
  }

  async close(): Promise<void> {}
}

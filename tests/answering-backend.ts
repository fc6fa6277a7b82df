import { DummyBackend } from '../src/backends/dummy.ts';
import { type Backend, type CallOptions, reportResult } from '../src/backends/types.ts';
import type { Doc } from '../src/documents/types.ts';
import type { PreparedTask } from '../src/evaluator/evaluate.ts';
import type { GenerateRequest, GenerateResult } from '../src/requests/types.ts';

/**
 * A model that answers each generation request with `answer(doc)`, for the document whose prompt
 * it is: for checking that a task's own filters and metrics accept its reference answers.
 * Pass `beforeDispatch` to evaluate(): it learns which prompt belongs to which document there.
 */
export function answeringBackend(answer: (doc: Doc) => string): {
  readonly backend: Backend;
  readonly beforeDispatch: (prepared: readonly PreparedTask[]) => void;
} {
  const docByPrompt = new Map<string, Doc>();
  const beforeDispatch = (prepared: readonly PreparedTask[]) => {
    for (const instance of prepared.flatMap((p) => p.instances)) {
      for (const request of instance.requests.flat()) {
        if (request.kind !== 'generateUntil') continue;
        const known = docByPrompt.get(request.context);
        if (known !== undefined && answer(known) !== answer(instance.doc)) {
          throw new Error(`two documents with different answers share a prompt (doc ${instance.docId})`);
        }
        docByPrompt.set(request.context, instance.doc);
      }
    }
  };
  const backend = Object.assign(Object.create(new DummyBackend({ seed: 1 })) as Backend, {
    async generateUntil(reqs: readonly GenerateRequest[], o?: CallOptions): Promise<GenerateResult[]> {
      return reqs.map((request, i) => {
        const doc = docByPrompt.get(request.context);
        if (doc === undefined) throw new Error('a prompt no document owns');
        const text = answer(doc);
        const result = { text, tokens: Math.ceil(text.length / 4), hitMaxTokens: false, truncated: false };
        reportResult(o, i, result.tokens, result);
        return result;
      });
    },
  });
  return { backend, beforeDispatch };
}

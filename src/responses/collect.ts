import type { DocInstance } from '../instances/types.ts';
import type { GenerateResult, LoglikelihoodResult, LoglikelihoodRollingResult, Result } from '../requests/types.ts';
import type { OutputType } from '../task/types.ts';
import type { DocResponse } from './types.ts';

/** Raw results of one doc, results[repeat][i] in the order of instance.requests. */
export function toDocResponse(
  outputType: OutputType,
  instance: DocInstance,
  results: readonly (readonly Result[])[],
): DocResponse {
  const first = results[0] ?? [];
  switch (outputType) {
    case 'multiple_choice': {
      const all = first as readonly LoglikelihoodResult[];
      const choices = instance.choices ?? [];
      // Twice as many results as choices: the second half are acc_mutual_info's unconditional ones.
      const mutualInfo = choices.length > 0 && all.length === 2 * choices.length;
      const lls = mutualInfo ? all.slice(0, choices.length) : all;
      return {
        kind: 'choices',
        logprobs: lls.map((r) => r.logprob),
        isGreedy: lls.map((r) => r.isGreedy),
        choices,
        continuationTokens: lls.map((r) => r.tokens),
        ...(mutualInfo ? { unconditionalLogprobs: all.slice(choices.length).map((r) => r.logprob) } : {}),
      };
    }
    case 'loglikelihood': {
      const r = first[0] as LoglikelihoodResult;
      return { kind: 'loglikelihood', logprob: r.logprob, isGreedy: r.isGreedy };
    }
    case 'loglikelihood_rolling': {
      const r = first[0] as LoglikelihoodRollingResult;
      return { kind: 'rolling', logprob: r.logprob, text: String(instance.target) };
    }
    case 'generate_until':
      return { kind: 'text', texts: results.map((rep) => (rep[0] as GenerateResult).text) };
  }
}

/** lm-eval's `resps` field of a samples row: per request, the list of its responses. */
export function rawResps(results: readonly (readonly Result[])[]): unknown[] {
  const perRequest: unknown[][] = [];
  for (const rep of results) {
    rep.forEach((r, i) => {
      const value = 'text' in r ? r.text : 'isGreedy' in r ? [r.logprob, r.isGreedy] : r.logprob;
      const list = perRequest[i] ?? [];
      list.push(value);
      perRequest[i] = list;
    });
  }
  return perRequest;
}

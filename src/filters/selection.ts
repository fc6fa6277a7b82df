import { checkArgNames, type Filter, type FilterArgs, integerArg } from './types.ts';

function firstResponse(responses: readonly unknown[]): unknown {
  const first = responses[0];
  // Every document has at least one repeat; an empty list is a bug upstream, not a user error.
  if (first === undefined) throw new Error('filter received no responses for a document');
  return first;
}

export function takeFirstFilter(args: FilterArgs): Filter {
  checkArgNames('take_first', args, []);
  return (responses) => [firstResponse(responses)];
}

export function takeFirstKFilter(args: FilterArgs): Filter {
  checkArgNames('take_first_k', args, ['k']);
  const k = integerArg('take_first_k', args, 'k');
  return (responses) => {
    if (responses.length < k) {
      // lm-eval asserts the same: the task's `repeats` must be at least k.
      throw new Error(`take_first_k needs ${k} responses per document, got ${responses.length}`);
    }
    return responses.slice(0, k);
  };
}

/** Counter(resps).most_common(1): the most frequent response; ties go to the one seen first. */
export function majorityVoteFilter(args: FilterArgs): Filter {
  checkArgNames('majority_vote', args, []);
  return (responses) => {
    const counts = new Map<unknown, number>();
    for (const response of responses) counts.set(response, (counts.get(response) ?? 0) + 1);
    let best = firstResponse(responses);
    for (const [response, count] of counts) {
      if (count > (counts.get(best) ?? 0)) best = response;
    }
    return [best];
  };
}

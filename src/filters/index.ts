import { UserError } from '../errors.ts';
import type { Doc } from '../documents/types.ts';
import type { FilterPipelineSpec, FilterStep } from '../task/types.ts';
import { regexFilter } from './regex.ts';
import { majorityVoteFilter, takeFirstFilter, takeFirstKFilter } from './selection.ts';
import { lowercaseFilter, removeWhitespaceFilter, uppercaseFilter } from './transformation.ts';
import type { Filter, FilterFactory } from './types.ts';

/** Every filter, by its lm-eval name. */
export const filters: Record<string, FilterFactory> = {
  regex: regexFilter,
  take_first: takeFirstFilter,
  take_first_k: takeFirstKFilter,
  majority_vote: majorityVoteFilter,
  lowercase: lowercaseFilter,
  uppercase: uppercaseFilter,
  remove_whitespace: removeWhitespaceFilter,
};

/**
 * What lm-eval runs when a task has no filter_list: a pipeline named "none" that keeps the first
 * repeat (an identity for the usual single response). Metric keys read "acc,none" because of it.
 */
export const defaultFilterPipeline: FilterPipelineSpec = { name: 'none', steps: [{ function: 'take_first' }] };

/** Build a pipeline's steps once (validating names and args), then apply it per document. */
export function buildFilterPipeline(steps: readonly FilterStep[]): Filter {
  const built = steps.map((step) => {
    const factory = Object.hasOwn(filters, step.function) ? filters[step.function] : undefined;
    if (!factory) {
      throw new UserError(`unknown filter "${step.function}" (known: ${Object.keys(filters).join(', ')})`, {
        field: 'filter_list',
      });
    }
    return factory(step.args ?? {});
  });
  return (responses, doc) => built.reduce<string[]>((current, filter) => filter(current, doc), [...responses]);
}

export function applyFilterPipeline(steps: readonly FilterStep[], responses: readonly string[], doc: Doc): string[] {
  return buildFilterPipeline(steps)(responses, doc);
}

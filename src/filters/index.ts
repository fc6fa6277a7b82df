import { UserError } from '../errors.ts';
import { pythonStr } from '../python/repr.ts';
import type { Doc } from '../documents/types.ts';
import type { FilterPipelineSpec, FilterStep } from '../task/types.ts';
import { firstLetterFilter } from './first-letter.ts';
import { multiChoiceRegexFilter } from './multi-choice-regex.ts';
import { formatSpanFilter, regexPosFilter } from './ner.ts';
import { regexFilter } from './regex.ts';
import { majorityVoteFilter, takeFirstFilter, takeFirstKFilter } from './selection.ts';
import { lowercaseFilter, mapFilter, removeWhitespaceFilter, uppercaseFilter } from './transformation.ts';
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
  multi_choice_regex: multiChoiceRegexFilter,
  map: mapFilter,
  regex_pos: regexPosFilter,
  format_span: formatSpanFilter,
  first_letter: firstLetterFilter,
};

/**
 * What lm-eval runs when a task has no filter_list: a pipeline named "none" that keeps the first
 * repeat (an identity for the usual single response). Metric keys read "acc,none" because of it.
 */
export const defaultFilterPipeline: FilterPipelineSpec = { name: 'none', steps: [{ function: 'take_first' }] };

/** Build a pipeline's steps once (validating names and args), then apply it per document. */
export function buildFilterPipeline(steps: readonly FilterStep[]): Filter {
  const built = steps.map((step): Filter => {
    if (step.apply) return step.apply;
    const factory = Object.hasOwn(filters, step.function) ? filters[step.function] : undefined;
    if (!factory) {
      throw new UserError(`unknown filter "${step.function}" (known: ${Object.keys(filters).join(', ')})`, {
        field: 'filter_list',
      });
    }
    return factory(step.args ?? {});
  });
  return (responses, doc) => built.reduce<unknown[]>((current, filter) => filter(current, doc), [...responses]);
}

/** A pipeline's output as its steps left it: text, or what map and regex_pos made of it. */
export function applyFilterSteps(steps: readonly FilterStep[], responses: readonly string[], doc: Doc): unknown[] {
  return buildFilterPipeline(steps)(responses, doc);
}

/** A pipeline's output as string metrics read it (see filteredTexts). */
export function applyFilterPipeline(steps: readonly FilterStep[], responses: readonly string[], doc: Doc): string[] {
  return filteredTexts(applyFilterSteps(steps, responses, doc));
}

/**
 * What string metrics compare: filtered text as is, and Python's str() of anything else a step
 * produced (map's values, regex_pos's tag lists), as lm-eval's metrics see them after `str(...)`.
 */
export function filteredTexts(values: readonly unknown[]): string[] {
  return values.map(pythonStr);
}

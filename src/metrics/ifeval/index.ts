/**
 * IFEval's four metrics (lm-eval's ifeval/utils.py process_results): a prompt counts when every
 * instruction is followed; instruction-level accuracy is over all instructions of all prompts
 * (agg_inst_level_acc flattens the per-prompt lists), so each document gives a
 * (followed, instructions) pair that the `agg_inst_level_acc` aggregation sums.
 */
import type { Doc } from '../../documents/types.ts';
import type { AggregationName, ExplainedValue, Metric, SampleValue, ScoreInput } from '../types.ts';
import { checkResponse, type FollowedInstructions } from './instructions.ts';

export type IfevalMetricName =
  | 'prompt_level_strict_acc'
  | 'inst_level_strict_acc'
  | 'prompt_level_loose_acc'
  | 'inst_level_loose_acc';

// The four metrics score the same response in turn: check it once.
const lastChecked = new WeakMap<Doc, { readonly response: string; readonly result: Promise<FollowedInstructions> }>();

function followed(input: ScoreInput): Promise<FollowedInstructions> {
  const response = input.filtered ?? '';
  const cached = lastChecked.get(input.doc);
  if (cached?.response === response) return cached.result;
  const result = checkResponse(input.doc, response);
  lastChecked.set(input.doc, { response, result });
  return result;
}

type Mode = 'strict' | 'loose';

/** One metric: its value from the outcomes in this mode, and the outcomes as details for the samples row. */
function ifevalMetric(
  name: IfevalMetricName,
  mode: Mode,
  defaultAggregation: AggregationName,
  valueFrom: (followed: readonly boolean[]) => SampleValue,
): Metric<Promise<ExplainedValue>> {
  return {
    name,
    higherIsBetter: true,
    defaultAggregation,
    score: async (input) => {
      const result = await followed(input);
      return { value: valueFrom(result[mode]), details: { instructions: result.instructions, followed: result[mode] } };
    },
  };
}

const everyFollowed = (outcomes: readonly boolean[]) => (outcomes.every(Boolean) ? 1 : 0);
const followedOfAll = (outcomes: readonly boolean[]): SampleValue => [outcomes.filter(Boolean).length, outcomes.length];

export const ifevalMetrics = {
  prompt_level_strict_acc: ifevalMetric('prompt_level_strict_acc', 'strict', 'mean', everyFollowed),
  inst_level_strict_acc: ifevalMetric('inst_level_strict_acc', 'strict', 'agg_inst_level_acc', followedOfAll),
  prompt_level_loose_acc: ifevalMetric('prompt_level_loose_acc', 'loose', 'mean', everyFollowed),
  inst_level_loose_acc: ifevalMetric('inst_level_loose_acc', 'loose', 'agg_inst_level_acc', followedOfAll),
} satisfies Record<IfevalMetricName, Metric<Promise<ExplainedValue>>>;

/**
 * IFEval's four metrics (lm-eval's ifeval/utils.py process_results): a prompt counts when every
 * instruction is followed; instruction-level accuracy is over all instructions of all prompts
 * (agg_inst_level_acc flattens the per-prompt lists), so each document gives a
 * (followed, instructions) pair that the `agg_inst_level_acc` aggregation sums.
 */
import type { Doc } from '../../documents/types.ts';
import type { ExplainedValue, Metric, ScoreInput } from '../types.ts';
import { checkResponse, type FollowedInstructions } from './instructions.ts';

export type IfevalMetricName =
  | 'prompt_level_strict_acc'
  | 'inst_level_strict_acc'
  | 'prompt_level_loose_acc'
  | 'inst_level_loose_acc';

// The four metrics score the same response in turn: check it once.
const lastChecked = new WeakMap<Doc, { readonly response: string; readonly result: FollowedInstructions }>();

function followed(input: ScoreInput): FollowedInstructions {
  const response = input.filtered ?? '';
  const cached = lastChecked.get(input.doc);
  if (cached?.response === response) return cached.result;
  const result = checkResponse(input.doc, response);
  lastChecked.set(input.doc, { response, result });
  return result;
}

type Mode = 'strict' | 'loose';

/** Which instructions the response followed, in this mode, for the samples row. */
function explain(result: FollowedInstructions, mode: Mode, value: ExplainedValue['value']): ExplainedValue {
  return { value, details: { instructions: result.instructions, followed: result[mode] } };
}

function promptLevel(name: IfevalMetricName, mode: Mode): Metric<ExplainedValue> {
  return {
    name,
    higherIsBetter: true,
    defaultAggregation: 'mean',
    score: (input) => {
      const result = followed(input);
      return explain(result, mode, result[mode].every(Boolean) ? 1 : 0);
    },
  };
}

function instructionLevel(name: IfevalMetricName, mode: Mode): Metric<ExplainedValue> {
  return {
    name,
    higherIsBetter: true,
    defaultAggregation: 'agg_inst_level_acc',
    score: (input) => {
      const result = followed(input);
      return explain(result, mode, [result[mode].filter(Boolean).length, result[mode].length]);
    },
  };
}

export const ifevalMetrics = {
  prompt_level_strict_acc: promptLevel('prompt_level_strict_acc', 'strict'),
  inst_level_strict_acc: instructionLevel('inst_level_strict_acc', 'strict'),
  prompt_level_loose_acc: promptLevel('prompt_level_loose_acc', 'loose'),
  inst_level_loose_acc: instructionLevel('inst_level_loose_acc', 'loose'),
} satisfies Record<IfevalMetricName, Metric<ExplainedValue>>;

import { UserError } from '../errors.ts';
import { predictionOf } from './exact-match.ts';
import { type RougeScores, rougeScores } from './rouge.ts';
import type { AggregationName, ScoreInput, SyncMetric } from './types.ts';

/**
 * Generation metrics that compare the filtered text with the reference: bleu, chrf and ter pass
 * (reference, prediction) on to sacrebleu's corpus scores, as lm-eval's passthrough metrics do;
 * rouge1/rouge2/rougeLsum score each document as lm-eval's truthfulqa `rouge` helper does.
 */

/** The one reference lm-eval pairs with the prediction: doc_to_target, cast to a string. */
function referenceOf(metric: string, input: ScoreInput): string {
  if (input.response.kind !== 'text') {
    throw new UserError(`metric ${metric} needs generate_until output, got ${input.response.kind}`, {
      field: 'metric_list',
    });
  }
  // lm-eval scores a list of targets as "any matched" (1.0), which its corpus aggregations cannot read.
  if (Array.isArray(input.target)) {
    throw new UserError(`metric ${metric} needs one reference per document, got a list`, { field: 'metric_list' });
  }
  return String(input.target);
}

function corpusPassthrough(name: string, aggregation: AggregationName, higherIsBetter: boolean): SyncMetric {
  return {
    name,
    higherIsBetter,
    defaultAggregation: aggregation,
    score: (input) => [referenceOf(name, input), predictionOf(input, name)],
  };
}

export const bleu = corpusPassthrough('bleu', 'bleu', true);
export const chrf = corpusPassthrough('chrf', 'chrf', true);
// An error rate, yet lm-eval v0.4.9.2 registers ter with higher_is_better=True; kept so reports agree.
export const ter = corpusPassthrough('ter', 'ter', true);

/** lm-eval's rouge helper puts each sentence on its own line (" . " → ".\n") for rougeLsum. */
const prepareSummary = (text: string) => text.replaceAll(' . ', '.\n');

function rougeMetric(name: keyof RougeScores): SyncMetric {
  return {
    name,
    higherIsBetter: true,
    defaultAggregation: 'mean',
    // One pair through rouge_score's BootstrapAggregator: its mid F-measure is the pair's own, × 100.
    score: (input) =>
      rougeScores(prepareSummary(referenceOf(name, input)), prepareSummary(predictionOf(input, name)))[name] * 100,
  };
}

export const rouge1 = rougeMetric('rouge1');
export const rouge2 = rougeMetric('rouge2');
export const rougeLsum = rougeMetric('rougeLsum');

import { UserError } from '../../errors.ts';
import type { ExplainedValue, Metric, ScoreInput } from '../types.ts';
import { judgeAnswer } from './equivalence.ts';
import { extractAnswer } from './extract.ts';

export { goldAnswer, INVALID_ANSWER } from './extract.ts';
export { normalizeFinalAnswer } from './normalise.ts';

/**
 * math_equiv: 1 when the model's final answer (its "Final Answer: The final answer is …" line,
 * else its last `\boxed{}`) is the gold answer by string, by Minerva normalisation or by value.
 * The samples row says which: `details.math_equiv.rule` is `exact`, `normalised`, `symbolic` or
 * null, with the extracted and normalised strings beside it. The gold is the document's `answer`
 * (what lm-eval's MATH tasks compare with), else the task's target.
 */
export const math_equiv: Metric<ExplainedValue> = {
  name: 'math_equiv',
  higherIsBetter: true,
  defaultAggregation: 'mean',
  score: ({ doc, filtered, target, kwargs }: ScoreInput): ExplainedValue => {
    const unknown = Object.keys(kwargs);
    if (unknown.length > 0) {
      throw new UserError(`unknown argument "${unknown[0]}" (math_equiv takes none)`, {
        field: 'metric_list: math_equiv',
      });
    }
    // lm-eval's MATH scorers read doc["answer"]; the rendered target is no substitute, because
    // lm-eval turns a target that looks like a list, such as the interval "[1,9]", into a list.
    const gold = typeof doc.answer === 'string' ? doc.answer : String(Array.isArray(target) ? target[0] : target);
    const extracted = extractAnswer(filtered ?? '');
    if (extracted.rule === 'none') {
      return { value: 0, details: { extraction: 'none', answer: null, gold, rule: null } };
    }
    const judgement = judgeAnswer(extracted.answer, gold);
    return {
      value: judgement.rule === undefined ? 0 : 1,
      details: {
        extraction: extracted.rule,
        answer: extracted.answer,
        gold,
        rule: judgement.rule ?? null,
        normalised_answer: judgement.normalisedAnswer,
        normalised_gold: judgement.normalisedGold,
        ...(judgement.symbolic ? { symbolic: judgement.symbolic } : {}),
      },
    };
  },
};

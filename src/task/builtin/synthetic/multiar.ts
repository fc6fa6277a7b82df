import type { PythonRandom } from '../../../python/random.ts';
import type { TaskDefinition } from '../../types.ts';
import { apply, OPERATORS } from './arithmetic.ts';
import { ANSWER_SUFFIX, EXACT_MATCH, syntheticTask } from './common.ts';

/**
 * MERA MultiAr: a random binary expression tree over single-digit integers (negatives written
 * as "-7", as MERA does), every inner operation in parentheses, so no precedence rule is needed.
 */
export interface MultiArDoc {
  readonly expression: string;
  readonly answer: string;
}

const MIN_OPERANDS = 3;
const MAX_OPERANDS = 5;

function expressionTree(rng: PythonRandom, operands: number): { text: string; value: number } {
  if (operands === 1) {
    const value = rng.randint(-9, 9);
    return { text: String(value), value };
  }
  const leftOperands = rng.randint(1, operands - 1);
  const left = expressionTree(rng, leftOperands);
  const right = expressionTree(rng, operands - leftOperands);
  const op = rng.choice(OPERATORS);
  const wrap = (side: { text: string }, count: number) => (count > 1 ? `(${side.text})` : side.text);
  return {
    text: `${wrap(left, leftOperands)} ${op} ${wrap(right, operands - leftOperands)}`,
    value: apply(op, left.value, right.value),
  };
}

export function multiarTask(): TaskDefinition {
  return syntheticTask<MultiArDoc>({
    name: 'multiar',
    seed: 20_253,
    outputType: 'generate_until',
    defaultNumFewshot: 5,
    maxGenToks: 16,
    metrics: [EXACT_MATCH],
    promptTemplate: 'Evaluate the expression: {{expression}}\nAnswer:',
    generate(rng) {
      const { text, value } = expressionTree(rng, rng.randint(MIN_OPERANDS, MAX_OPERANDS));
      // 0 * -5 is -0 in JavaScript; String(-0) is "0", the answer Python would print.
      return { expression: text, answer: String(value) };
    },
    docToText: (doc) => `Evaluate the expression: ${doc.expression}${ANSWER_SUFFIX}`,
    docToTarget: (doc) => doc.answer,
  });
}

import type { TaskDefinition } from '../../types.ts';
import { apply, type Operator, OPERATORS, operand } from './arithmetic.ts';
import { ANSWER_SUFFIX, EXACT_MATCH, syntheticTask } from './common.ts';

/** MERA SimpleAr: one operation on 1–3 digit integers. */
export interface SimpleArDoc {
  readonly a: number;
  readonly op: Operator;
  readonly b: number;
  readonly answer: string;
}

export function simplearTask(): TaskDefinition {
  return syntheticTask<SimpleArDoc>({
    name: 'simplear',
    seed: 20_251,
    outputType: 'generate_until',
    defaultNumFewshot: 5,
    maxGenToks: 16,
    metrics: [EXACT_MATCH],
    promptTemplate: 'What is {{a}} {{op}} {{b}}?\nAnswer:',
    generate(rng) {
      const op = rng.choice(OPERATORS);
      const a = operand(rng, 3);
      const b = operand(rng, 3);
      return { a, op, b, answer: String(apply(op, a, b)) };
    },
    docToText: (doc) => `What is ${doc.a} ${doc.op} ${doc.b}?${ANSWER_SUFFIX}`,
    docToTarget: (doc) => doc.answer,
  });
}

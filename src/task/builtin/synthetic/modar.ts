import type { PythonRandom } from '../../../python/random.ts';
import type { TaskDefinition } from '../../types.ts';
import type { Operator } from './arithmetic.ts';
import { ANSWER_SUFFIX, EXACT_MATCH, syntheticTask } from './common.ts';

/**
 * MERA ModAr: the familiar operator sign hides a modified operation (e.g. "+" means a + b + 1).
 * Each doc carries its own solved examples of that rule, rendered inside the prompt, which is
 * why the task's default few-shot count is 0: examples of other docs would show other rules.
 */
export interface ModArExample {
  readonly a: number;
  readonly b: number;
  readonly result: number;
}

export interface ModArDoc {
  readonly rule: string;
  readonly op: Operator;
  readonly examples: readonly ModArExample[];
  readonly a: number;
  readonly b: number;
  readonly answer: string;
}

interface HiddenRule {
  readonly op: Operator;
  readonly maxOperand: number;
  readonly apply: (a: number, b: number) => number;
}

export const HIDDEN_RULES: Readonly<Record<string, HiddenRule>> = {
  plus_one: { op: '+', maxOperand: 99, apply: (a, b) => a + b + 1 },
  plus_minus_two: { op: '+', maxOperand: 99, apply: (a, b) => a + b - 2 },
  plus_double_b: { op: '+', maxOperand: 99, apply: (a, b) => a + 2 * b },
  minus_plus_three: { op: '-', maxOperand: 99, apply: (a, b) => a - b + 3 },
  minus_reversed: { op: '-', maxOperand: 99, apply: (a, b) => b - a },
  times_minus_a: { op: '*', maxOperand: 20, apply: (a, b) => a * b - a },
  times_plus_one: { op: '*', maxOperand: 20, apply: (a, b) => a * b + 1 },
  times_plus_b: { op: '*', maxOperand: 20, apply: (a, b) => a * b + b },
};
const RULE_NAMES = Object.keys(HIDDEN_RULES);
const EXAMPLES_PER_DOC = 5;

/** The examples must single the rule out: no other rule with the same sign fits them all. */
function identifiesRule(ruleName: string, examples: readonly ModArExample[]): boolean {
  const rule = HIDDEN_RULES[ruleName] as HiddenRule;
  return Object.entries(HIDDEN_RULES).every(
    ([name, other]) =>
      name === ruleName || other.op !== rule.op || examples.some((e) => other.apply(e.a, e.b) !== e.result),
  );
}

function generate(rng: PythonRandom): ModArDoc {
  const rule = rng.choice(RULE_NAMES);
  const { op, maxOperand, apply } = HIDDEN_RULES[rule] as HiddenRule;
  for (;;) {
    const pairs = new Map<string, [number, number]>();
    while (pairs.size < EXAMPLES_PER_DOC + 1) {
      const pair: [number, number] = [rng.randint(1, maxOperand), rng.randint(1, maxOperand)];
      pairs.set(pair.join(op), pair);
    }
    // Distinct pairs in draw order: the first ones are shown solved, the last is the question.
    const drawn = [...pairs.values()];
    const [a, b] = drawn[EXAMPLES_PER_DOC] as [number, number];
    const examples = drawn.slice(0, EXAMPLES_PER_DOC).map(([x, y]) => ({ a: x, b: y, result: apply(x, y) }));
    if (identifiesRule(rule, examples)) return { rule, op, examples, a, b, answer: String(apply(a, b)) };
  }
}

export function modarTask(): TaskDefinition {
  return syntheticTask<ModArDoc>({
    name: 'modar',
    seed: 20_252,
    outputType: 'generate_until',
    defaultNumFewshot: 0,
    maxGenToks: 16,
    metrics: [EXACT_MATCH],
    promptTemplate:
      'Every equation below uses the same hidden rule for its operation. Apply the rule to the last one.\n' +
      '{% for e in examples %}{{e.a}} {{op}} {{e.b}} = {{e.result}}\n{% endfor %}{{a}} {{op}} {{b}} = ?\nAnswer:',
    generate,
    docToText: (doc) =>
      [
        'Every equation below uses the same hidden rule for its operation. Apply the rule to the last one.',
        ...doc.examples.map((e) => `${e.a} ${doc.op} ${e.b} = ${e.result}`),
        `${doc.a} ${doc.op} ${doc.b} = ?`,
      ].join('\n') + ANSWER_SUFFIX,
    docToTarget: (doc) => doc.answer,
  });
}

import { describe, expect, it } from 'vitest';
import { applyFilterPipeline } from '../../../filters/index.ts';
import { metrics } from '../../../metrics/index.ts';
import type { Doc, TaskDocs } from '../../../documents/types.ts';
import type { TaskDefinition } from '../../types.ts';
import { builtinGroups, builtinTasks } from '../index.ts';
import { syntheticGroup, syntheticTasks } from './index.ts';

// Everything here re-derives answers from the rendered prompt text, not from the generator's fields.

const tasks = new Map(syntheticTasks().map((task) => [task.name, task]));
const docsOf = new Map<string, TaskDocs>();
for (const [name, task] of tasks) docsOf.set(name, await task.loadDocs());

function task(name: string): TaskDefinition {
  return tasks.get(name) as TaskDefinition;
}

function evalDocs(name: string): readonly Doc[] {
  return (docsOf.get(name) as TaskDocs).eval;
}

function answerOf(t: TaskDefinition, doc: Doc): string {
  const target = t.docToTarget(doc);
  return typeof target === 'number' ? (t.docToChoice?.(doc)[target] as string) : String(target);
}

/** A separate evaluator: integers, unary minus, + - * with precedence, and parentheses. */
function evaluate(expression: string): bigint {
  const tokens = expression.match(/\d+|[-+*()]/g) ?? [];
  let pos = 0;
  const primary = (): bigint => {
    const token = tokens[pos++];
    if (token === '(') {
      const value = sum();
      pos++; // ')'
      return value;
    }
    if (token === '-') return -primary();
    return BigInt(token as string);
  };
  const product = (): bigint => {
    let value = primary();
    while (tokens[pos] === '*') {
      pos++;
      value *= primary();
    }
    return value;
  };
  const sum = (): bigint => {
    let value = product();
    while (tokens[pos] === '+' || tokens[pos] === '-') {
      const op = tokens[pos++];
      value = op === '+' ? value + product() : value - product();
    }
    return value;
  };
  return sum();
}

/** Brute force over every subsequence of the shorter string. */
function bruteForceLcs(first: string, second: string): number {
  const [short, long] = first.length <= second.length ? [first, second] : [second, first];
  const isSubsequence = (candidate: string) => {
    let i = 0;
    for (const char of long) if (char === candidate[i]) i++;
    return i === candidate.length;
  };
  let best = 0;
  for (let mask = 0; mask < 1 << short.length; mask++) {
    const candidate = [...short].filter((_, i) => mask & (1 << i)).join('');
    if (candidate.length > best && isSubsequence(candidate)) best = candidate.length;
  }
  return best;
}

function bracketsBalanced(sequence: string): boolean {
  const closerFor: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  for (const char of sequence.replaceAll(' ', '')) {
    if (closerFor[char]) stack.push(closerFor[char]);
    else if (stack.pop() !== char) return false;
  }
  return stack.length === 0;
}

describe('synthetic task set', () => {
  it('has five tasks, exported as built-ins with their group', () => {
    expect([...tasks.keys()]).toEqual(['simplear', 'modar', 'multiar', 'bps', 'lcs']);
    expect(builtinTasks().map((t) => t.name)).toEqual([...tasks.keys()]);
    expect(builtinGroups).toContain(syntheticGroup);
    expect(syntheticGroup.tasks).toEqual([...tasks.keys()]);
    expect(syntheticGroup.aggregateMetrics.every((m) => !m.weightBySize)).toBe(true);
  });

  it.each([...tasks.keys()])('%s: 1000 unique eval docs, a disjoint pool of 100, a JSON config', (name) => {
    const t = task(name);
    const docs = docsOf.get(name) as TaskDocs;
    expect(docs.eval).toHaveLength(1000);
    expect(docs.fewshot).toHaveLength(100);
    const evalPrompts = new Set(docs.eval.map(t.docToText));
    expect(evalPrompts.size).toBe(1000);
    expect((docs.fewshot ?? []).filter((doc) => evalPrompts.has(t.docToText(doc)))).toEqual([]);
    for (const doc of docs.eval) expect(t.docToText(doc)).toMatch(/\nAnswer:$/);
    expect(JSON.parse(JSON.stringify(t.config))).toEqual(t.config);
    expect(t.config).toMatchObject({ task: name, output_type: t.outputType, generator: { num_eval_docs: 1000 } });
    expect(Object.values(docs.sources ?? {})[0]).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('is deterministic: fresh task objects give the same docs and hashes', async () => {
    for (const fresh of syntheticTasks()) {
      const again = await fresh.loadDocs();
      expect(again.eval).toEqual(evalDocs(fresh.name));
      expect(again.sources).toEqual(docsOf.get(fresh.name)?.sources);
    }
  });

  // Regression facts: a change here means every reported synthetic score changes meaning.
  it('first eval doc of each task', () => {
    const first = Object.fromEntries(
      [...tasks.keys()].map((name) => [
        name,
        [task(name).docToText(evalDocs(name)[0] as Doc), answerOf(task(name), evalDocs(name)[0] as Doc)],
      ]),
    );
    expect(first).toEqual({
      simplear: ['What is 371 - 3?\nAnswer:', '368'],
      modar: [
        'Every equation below uses the same hidden rule for its operation. Apply the rule to the last one.\n' +
          '32 + 24 = 57\n83 + 33 = 117\n54 + 89 = 144\n12 + 23 = 36\n77 + 92 = 170\n33 + 49 = ?\nAnswer:',
        '83',
      ],
      multiar: ['Evaluate the expression: (5 - -5) - 5\nAnswer:', '5'],
      bps: ['Is this bracket sequence balanced? [ ( { { } } ) ]\nAnswer:', 'yes'],
      lcs: ['What is the length of the longest common subsequence of ABDCDBCAAA and AAACDBDAB?\nAnswer:', '5'],
    });
  });
});

describe("scoring with the task's own filters and metric config", () => {
  it('simplear: a continuation with spaces around the number matches; extra text does not', () => {
    const t = task('simplear');
    const doc = evalDocs('simplear')[0] as Doc;
    const spec = t.metrics[0];
    const scoreOf = (generation: string) => {
      const [filtered] = applyFilterPipeline(t.filters[0]?.steps ?? [], [generation], doc);
      return metrics[spec?.metric ?? '']?.score({
        doc,
        target: t.docToTarget(doc),
        response: { kind: 'text', texts: [generation] },
        ...(filtered === undefined ? {} : { filtered }),
        kwargs: spec?.kwargs ?? {},
      });
    };
    expect(t.filters.map((f) => f.name)).toEqual(['none']);
    expect(scoreOf(' 368')).toBe(1);
    expect(scoreOf('368 ')).toBe(1);
    expect(scoreOf(' 368.')).toBe(0);
    expect(scoreOf(' -368')).toBe(0);
  });
});

describe('answers, re-derived from the prompt text', () => {
  it('simplear: exact integer of "a op b" with 1-3 digit operands', () => {
    for (const doc of evalDocs('simplear')) {
      const m = /^What is (\d{1,3}) ([-+*]) (\d{1,3})\?\nAnswer:$/.exec(task('simplear').docToText(doc));
      expect(m).not.toBeNull();
      expect(task('simplear').docToTarget(doc)).toBe(evaluate(`${m?.[1]} ${m?.[2]} ${m?.[3]}`).toString());
    }
  });

  it('multiar: exact integer of the parenthesised expression', () => {
    for (const doc of evalDocs('multiar')) {
      const expression = task('multiar')
        .docToText(doc)
        .replace(/^Evaluate the expression: /, '')
        .replace(/\nAnswer:$/, '');
      expect(expression).toMatch(/\(/);
      expect(task('multiar').docToTarget(doc)).toBe(evaluate(expression).toString());
    }
  });

  it('modar: one rule explains every shown equation and the answer, and no other rule does', () => {
    // The hidden rules, written out again independently of the generator.
    const RULES: Record<string, [string, (a: bigint, b: bigint) => bigint]> = {
      plus_one: ['+', (a, b) => a + b + 1n],
      plus_minus_two: ['+', (a, b) => a + b - 2n],
      plus_double_b: ['+', (a, b) => a + 2n * b],
      minus_plus_three: ['-', (a, b) => a - b + 3n],
      minus_reversed: ['-', (a, b) => b - a],
      times_minus_a: ['*', (a, b) => a * b - a],
      times_plus_one: ['*', (a, b) => a * b + 1n],
      times_plus_b: ['*', (a, b) => a * b + b],
    };
    const usedRules = new Set<string>();
    for (const doc of evalDocs('modar')) {
      const lines = task('modar').docToText(doc).split('\n');
      expect(lines.at(-1)).toBe('Answer:');
      const shown = lines.slice(1, -2).map((line) => /^(\d+) ([-+*]) (\d+) = (-?\d+)$/.exec(line));
      const question = /^(\d+) ([-+*]) (\d+) = \?$/.exec(lines.at(-2) as string);
      expect(shown).toHaveLength(5);
      expect(question).not.toBeNull();
      const fitting = Object.entries(RULES).filter(([, [op, f]]) =>
        shown.every(
          (m) => m?.[2] === op && f(BigInt(m[1] as string), BigInt(m[3] as string)) === BigInt(m[4] as string),
        ),
      );
      expect(fitting).toHaveLength(1);
      const [name, [, f]] = fitting[0] as [string, [string, (a: bigint, b: bigint) => bigint]];
      usedRules.add(name);
      expect(task('modar').docToTarget(doc)).toBe(
        f(BigInt(question?.[1] as string), BigInt(question?.[3] as string)).toString(),
      );
    }
    expect(usedRules.size).toBe(Object.keys(RULES).length);
  });

  it('bps: label matches a stack check, and the classes are balanced', () => {
    let balanced = 0;
    for (const doc of evalDocs('bps')) {
      const sequence = task('bps')
        .docToText(doc)
        .replace(/^Is this bracket sequence balanced\? /, '')
        .replace(/\nAnswer:$/, '');
      const answer = answerOf(task('bps'), doc);
      expect(answer).toBe(bracketsBalanced(sequence) ? 'yes' : 'no');
      if (answer === 'yes') balanced++;
    }
    expect(balanced).toBe(500);
    expect(task('bps').docToChoice?.({})).toEqual(['no', 'yes']);
  });

  it('lcs: the answer is the brute-force LCS length, among choices "0".."10"', () => {
    for (const doc of evalDocs('lcs')) {
      const m = /of ([A-D]+) and ([A-D]+)\?\nAnswer:$/.exec(task('lcs').docToText(doc));
      expect(answerOf(task('lcs'), doc)).toBe(String(bruteForceLcs(m?.[1] as string, m?.[2] as string)));
    }
    expect(task('lcs').docToChoice?.({})).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
  });
});

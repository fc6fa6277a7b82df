import { UserError } from '../errors.ts';
import type { ExplainedValue, Metric, MetricContext, ScoreInput } from './types.ts';

/**
 * Chen et al. (2021)'s unbiased estimator of pass@k from n samples of which c pass, computed as
 * their numpy code does: 1 - prod(1 - k / arange(n - c + 1, n + 1)).
 */
export function passAtK(n: number, c: number, k: number): number {
  if (n - c < k) return 1;
  let product = 1;
  for (let i = n - c + 1; i <= n; i++) product *= 1 - k / i;
  return 1 - product;
}

/**
 * The program one completion is judged by, as lm-eval's code_eval builds it: the candidate, a
 * newline, the tests. `prompt_field` (HumanEval: "prompt") puts that document field before the
 * completion, so the function header the model continued is part of the candidate.
 */
export function programFor(input: ScoreInput, completion: string): string {
  const field = input.kwargs.prompt_field;
  const prefix = typeof field === 'string' ? String(input.doc[field] ?? '') : '';
  const tests = Array.isArray(input.target) ? input.target.join('\n') : String(input.target);
  return `${prefix}${completion}\n${tests}\n`;
}

function kOf(kwargs: ScoreInput['kwargs'], fixed: number | undefined): number {
  if (fixed !== undefined) return fixed;
  const k = kwargs.k;
  const list = Array.isArray(k) ? k : [k ?? 1];
  if (list.length !== 1 || !Number.isInteger(list[0]) || (list[0] as number) < 1)
    throw new UserError(
      `pass_at_k takes one k (an integer >= 1), got ${JSON.stringify(k)}`,
      { field: 'metric_list' },
      'list pass_at_1, pass_at_5, pass_at_10 for several',
    );
  return list[0] as number;
}

async function scorePassAtK(
  name: string,
  fixedK: number | undefined,
  input: ScoreInput,
  o: MetricContext = {},
): Promise<ExplainedValue> {
  const k = kOf(input.kwargs, fixedK);
  const completions = input.filteredAll ?? (input.filtered !== undefined ? [input.filtered] : []);
  const n = completions.length;
  if (n < k)
    throw new UserError(
      `${name} needs at least ${k} samples per problem, the task has ${n}`,
      { field: 'repeats' },
      `set repeats: ${k} or more`,
    );
  const runner = o.codeRunner;
  if (!runner)
    throw new UserError(
      `${name} executes model code`,
      { field: '--confirm_run_unsafe_code' },
      'add --confirm_run_unsafe_code to run it in the sandbox',
    );
  const timeout = input.kwargs.timeout;
  const wall = typeof timeout === 'number' && timeout > 0 ? { wallSeconds: timeout } : {};
  const outcomes = await Promise.all(
    completions.map((completion) =>
      runner.run(programFor(input, completion), { ...wall, ...(o.signal ? { signal: o.signal } : {}) }),
    ),
  );
  const c = outcomes.filter((outcome) => outcome.status === 'passed').length;
  return {
    value: passAtK(n, c, k),
    details: { n, c, k, isolation: runner.isolation, executions: outcomes },
  };
}

function passAtKMetric(name: string, fixedK?: number): Metric<Promise<ExplainedValue>> {
  return {
    name,
    higherIsBetter: true,
    defaultAggregation: 'mean',
    cacheable: true,
    score: (input, o) => scorePassAtK(name, fixedK, input, o),
  };
}

/** lm-eval's humaneval metric: k from the metric's kwargs (`k: [1]`). */
export const pass_at_k = passAtKMetric('pass_at_k');
export const pass_at_1 = passAtKMetric('pass_at_1', 1);
export const pass_at_5 = passAtKMetric('pass_at_5', 5);
export const pass_at_10 = passAtKMetric('pass_at_10', 10);

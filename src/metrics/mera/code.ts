/**
 * MERA's code tasks (ruCodeEval, ruHumanEval): each generated function is called on every test of
 * the record (inputs.tests, a Python-literal list of keyword dicts) and its per-test outputs are
 * what a submission carries — str(result), null where the call raised or returned None, or
 * "timed out" for a generation whose execution timed out (mera/submission-example/
 * v1.2-record-shapes.json). pass@k compares those outputs with the record's gold outputs exactly
 * as the website's codePassAtK does; `score-submission` uses the same functions.
 */
import { UserError } from '../../errors.ts';
import { pythonEquals } from '../../python/equality.ts';
import type { CodeRunner } from '../../sandbox/types.ts';
import { passAtK } from '../pass-at-k.ts';
import type { ExplainedValue, Metric, MetricContext, ScoreInput } from '../types.ts';

/** One generation's per-test outputs, or "timed out". */
export type PerTestOutputs = readonly (string | null)[] | 'timed out';

/** A sequence as Python's len() and indexing see it: a list, or a string's code points; anything else raises. */
function pythonSequence(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  throw new TypeError(`${JSON.stringify(value)} has no length`);
}

function sameKind(a: unknown, b: unknown): boolean {
  const kind = (x: unknown) => (x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x);
  return kind(a) === kind(b);
}

/** A code generation passes when its per-test outputs have the gold's length and type and all equal the gold. */
export function codeGenerationPasses(goldTests: readonly unknown[], generation: unknown): boolean {
  const pred = pythonSequence(generation);
  if (pred.length === 0 || pred.length !== goldTests.length) return false;
  if (!sameKind(goldTests[0], pred[0])) return false;
  return goldTests.every((g, i) => pythonEquals(g, pred[i]));
}

/**
 * The generations of a code task's outputs. v1.2 wraps them in one list, `[[gen_1, ..., gen_n]]`; v1.1
 * submissions (the sample ZIP) have `[gen_1, ..., gen_n]`. A one-element outputs is v1.2 unless its
 * element is itself one generation (per-test strings or nulls, not all "timed out").
 */
export function codeGenerations(outputs: readonly unknown[]): readonly unknown[] {
  const first = outputs[0];
  if (outputs.length !== 1) return outputs;
  if (!Array.isArray(first)) return pythonSequence(first);
  const oneGeneration =
    first.length > 0 &&
    first.every((x) => typeof x === 'string' || x === null) &&
    !first.every((x) => x === 'timed out');
  return oneGeneration ? outputs : first;
}

export function codePassAtK(goldTests: readonly unknown[], generations: readonly unknown[], ks: readonly number[]) {
  const correct = generations.filter((g) => codeGenerationPasses(goldTests, g)).length;
  return Object.fromEntries(ks.map((k) => [`pass@${k}`, passAtK(generations.length, correct, k)]));
}

/** Marks the line the harness prints its result on, apart from anything the generated code prints. */
const RESULT_MARKER = '\u0000mera-per-test-outputs\u0000';

/**
 * The program that runs one generation: the function header and docstring of the prompt, the
 * generation as its body, then each test as a keyword call. Strings go in as JSON literals, which
 * Python reads as the same strings. The generated code's prints go to a buffer, so only the
 * harness writes to the real stdout.
 */
export function perTestProgram(code: string, tests: string, entryPoint: string): string {
  return `import ast, io, json, sys
_code = ${JSON.stringify(code)}
_tests = ast.literal_eval(${JSON.stringify(tests)})
_entry = ${JSON.stringify(entryPoint)}
_stdout = sys.stdout
_stdout.write(${JSON.stringify(RESULT_MARKER)} + json.dumps({"tests": len(_tests)}) + "\\n")
_stdout.flush()
sys.stdout = io.StringIO()
_function = None
try:
    _namespace = {"__name__": "__main__"}
    exec(compile(_code, "solution.py", "exec"), _namespace)
    _function = _namespace.get(_entry)
except BaseException:
    pass
_outputs = []
for _test in _tests:
    try:
        _result = _function(**_test) if isinstance(_test, dict) else _function(*_test)
        _outputs.append(None if _result is None else str(_result))
    except BaseException:
        _outputs.append(None)
_stdout.write(${JSON.stringify(RESULT_MARKER)} + json.dumps({"outputs": _outputs}) + "\\n")
_stdout.flush()
`;
}

/** What a MERA code record gives the harness: the function prompt, the tests and the entry point. */
function codeRecord(input: ScoreInput): { function: string; tests: string; entryPoint: string; gold: unknown } {
  const doc = input.doc as { inputs?: Record<string, unknown>; meta?: Record<string, unknown>; outputs?: unknown };
  const fn = doc.inputs?.function;
  const tests = doc.inputs?.tests;
  const entryPoint = doc.meta?.entry_point;
  if (typeof fn !== 'string' || typeof tests !== 'string' || typeof entryPoint !== 'string')
    throw new UserError(
      'pass@k of MERA code tasks needs inputs.function, inputs.tests (a Python list of keyword dicts) and meta.entry_point',
      { field: 'metric_list' },
    );
  return { function: fn, tests, entryPoint, gold: doc.outputs };
}

/** The per-test outputs of one generation, run in the sandbox. */
export async function runGeneration(runner: CodeRunner, program: string, o: MetricContext): Promise<PerTestOutputs> {
  const outcome = await runner.run(program, { captureStdout: true, ...(o.signal ? { signal: o.signal } : {}) });
  if (outcome.status === 'timeout') return 'timed out';
  const said = (outcome.stdout ?? '')
    .split('\n')
    .filter((l) => l.startsWith(RESULT_MARKER))
    .map((l) => JSON.parse(l.slice(RESULT_MARKER.length)) as { tests?: number; outputs?: (string | null)[] });
  const outputs = said.find((s) => s.outputs !== undefined)?.outputs;
  if (outputs) return outputs;
  // Killed by a resource limit before the harness printed the outputs: no test gave one.
  return Array.from({ length: said[0]?.tests ?? 0 }, () => null);
}

async function scoreMeraPassAtK(k: number, input: ScoreInput, o: MetricContext = {}): Promise<ExplainedValue> {
  const record = codeRecord(input);
  const runner = o.codeRunner;
  if (!runner)
    throw new UserError(
      `pass@${k} executes model code`,
      { field: '--confirm_run_unsafe_code' },
      'add --confirm_run_unsafe_code to run it in the sandbox',
    );
  const generations = input.filteredAll ?? (input.filtered !== undefined ? [input.filtered] : []);
  // Every k reruns nothing: the sandbox memoises executions by program.
  const outputs = await Promise.all(
    generations.map((g) =>
      runGeneration(runner, perTestProgram(record.function + g, record.tests, record.entryPoint), o),
    ),
  );
  const gold = Array.isArray(record.gold) ? record.gold : [];
  const c = outputs.filter((out) => codeGenerationPasses(gold, out)).length;
  return {
    value: passAtK(outputs.length, c, k),
    details: { n: outputs.length, c, k, isolation: runner.isolation, mera_outputs: outputs },
  };
}

function meraPassAtK(k: number): Metric<Promise<ExplainedValue>> {
  return {
    name: `pass@${k}`,
    higherIsBetter: true,
    defaultAggregation: 'mean',
    cacheable: true,
    score: (input, o) => scoreMeraPassAtK(k, input, o),
  };
}

/** MERA's pass@k of its code tasks (per-test outputs against the record's gold outputs). */
export const meraCodeMetrics = {
  'pass@1': meraPassAtK(1),
  'pass@5': meraPassAtK(5),
  'pass@10': meraPassAtK(10),
};

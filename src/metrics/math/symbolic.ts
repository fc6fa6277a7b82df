/**
 * Are two LaTeX expressions the same value? Both are translated to mathjs and evaluated: constant
 * expressions once, expressions with letters at a few fixed points (the same points for both
 * sides). Equal values everywhere within a relative 1e-9 is "equivalent" — the standard
 * randomised identity test, which decides `\frac{1}{\sqrt2}` = `\frac{\sqrt2}{2}`,
 * `0.5` = `\frac12` and `x+1` = `1+x` without a simplifier whose running time is unbounded.
 */
import { all, type Complex, create, type EvalFunction, type MathNode } from 'mathjs';
import { latexToMathjs, UntranslatableLatex } from './latex-to-mathjs.ts';

const math = create(all!, {});

/** `\binom{n}{k}`; through log-gamma beyond small k, so a huge argument costs no more than a small one. */
function binom(n: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(k) || Math.min(k, n - k) > 1000) {
    return Math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1));
  }
  if (k < 0 || k > n) return 0;
  let product = 1;
  for (let j = 1; j <= Math.min(k, n - k); j++) product = (product * (n - Math.min(k, n - k) + j)) / j;
  return product;
}
math.import({ binom }, { override: true });

const RELATIVE_TOLERANCE = 1e-9;
/** Points a letter takes, one per round: arbitrary, away from 0, 1, small integers and familiar constants, where false identities look true. */
const SAMPLE_POINTS: readonly number[] = [1.2843, 2.0719, 0.6367, 3.4591, 1.8163];

export type SymbolicOutcome = 'equal' | 'different' | 'untranslatable' | 'timeout';

interface Compiled {
  readonly code: EvalFunction;
  readonly variables: readonly string[];
}

/** Longer answers are not translated: the translator and mathjs's parser recurse once per nesting level. */
const MAX_LATEX_LENGTH = 1000;

function compile(latex: string): Compiled | undefined {
  if (latex.length > MAX_LATEX_LENGTH) return undefined;
  let node: MathNode;
  try {
    node = math.parse(latexToMathjs(latex));
  } catch (e) {
    if (e instanceof UntranslatableLatex || e instanceof SyntaxError) return undefined;
    throw e;
  }
  const variables = new Set<string>();
  node.traverse((n) => {
    if (n.type === 'SymbolNode' && (n as unknown as { name: string }).name.startsWith('v_')) {
      variables.add((n as unknown as { name: string }).name);
    }
  });
  return { code: node.compile(), variables: [...variables].sort() };
}

/** A real or complex value, or undefined for anything else (a matrix, an error). */
function valueAt(compiled: Compiled, scope: Record<string, number>): { re: number; im: number } | undefined {
  let value: unknown;
  try {
    value = compiled.code.evaluate({ ...scope });
  } catch {
    return undefined;
  }
  if (typeof value === 'number') return { re: value, im: 0 };
  if (math.isComplex(value)) return { re: (value as Complex).re, im: (value as Complex).im };
  return undefined;
}

function close(a: number, b: number): boolean {
  if (a === b) return true; // the same infinity, or exactly equal
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * Whether `a` and `b` take the same values. `deadline` (a `performance.now()` time) is checked
 * between evaluations; each evaluation is linear in the expression's size, so the limit holds.
 */
export function symbolicEqual(a: string, b: string, deadline: number): SymbolicOutcome {
  const left = compile(a);
  const right = compile(b);
  if (!left || !right) return 'untranslatable';
  const variables = [...new Set([...left.variables, ...right.variables])];
  const rounds = variables.length === 0 ? 1 : SAMPLE_POINTS.length;
  let compared = 0;
  for (let round = 0; round < rounds; round++) {
    if (performance.now() > deadline) return 'timeout';
    // Each letter gets a different point in each round, so x-y=0 is never tested at x=y.
    const scope = Object.fromEntries(
      variables.map((name, k) => [name, SAMPLE_POINTS[(round + k) % SAMPLE_POINTS.length]! + k * 0.1]),
    );
    const x = valueAt(left, scope);
    const y = valueAt(right, scope);
    if (!x || !y) return 'different';
    if (Number.isNaN(x.re) && Number.isNaN(y.re)) continue;
    if (!close(x.re, y.re) || !close(x.im, y.im)) return 'different';
    compared++;
  }
  return compared > 0 ? 'equal' : 'different';
}

import type { PythonRandom } from '../../../python/random.ts';

/** Integer arithmetic shared by the arithmetic generators. */

export type Operator = '+' | '-' | '*';
export const OPERATORS: readonly Operator[] = ['+', '-', '*'];

export function apply(op: Operator, a: number, b: number): number {
  if (op === '+') return a + b;
  if (op === '-') return a - b;
  return a * b;
}

/** A 1–3 digit operand: the digit count is drawn first so small numbers aren't swamped by 3-digit ones. */
export function operand(rng: PythonRandom, maxDigits: number): number {
  const digits = rng.randint(1, maxDigits);
  return digits === 1 ? rng.randint(0, 9) : rng.randint(10 ** (digits - 1), 10 ** digits - 1);
}

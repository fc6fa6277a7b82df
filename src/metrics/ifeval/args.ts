/**
 * An instruction's kwargs as the reference reads them, and the checker type every instruction
 * family builds from them.
 */
import { pythonStrip } from '../../python/whitespace.ts';

/** Whether a response follows one instruction. */
export type ResponseCheck = (response: string) => boolean;

/** Builds an instruction's check from its kwargs (and the prompt, for repeat_prompt). */
export type InstructionBuilder = (args: InstructionArgs) => ResponseCheck;

/** An instruction's kwargs the reference cannot use (it would draw a random one instead). */
export class InstructionArgsError extends Error {
  constructor(instructionId: string, message: string) {
    super(`IFEval instruction ${instructionId}: ${message}`);
    this.name = 'InstructionArgsError';
  }
}

/** The comparisons the length and frequency instructions use (the reference's _COMPARISON_RELATION). */
export type Relation = 'less than' | 'at least';

export function compareCount(count: number, relation: Relation, threshold: number): boolean {
  return relation === 'less than' ? count < threshold : count >= threshold;
}

/**
 * The kwargs of one instruction. The reference drops falsy values first (`if v`: null, 0, '',
 * []) and draws a random value for any argument then missing; a run must not depend on chance,
 * so a missing argument is an error here (all 541 prompts of the dataset have theirs).
 */
export class InstructionArgs {
  private readonly values: Readonly<Record<string, unknown>>;

  constructor(
    readonly instructionId: string,
    kwargs: Readonly<Record<string, unknown>>,
    readonly prompt: string,
  ) {
    this.values = Object.fromEntries(Object.entries(kwargs).filter(([, v]) => isTruthy(v)));
  }

  fail(message: string): never {
    throw new InstructionArgsError(this.instructionId, message);
  }

  private present(key: string): unknown {
    const value = this.values[key];
    return value === undefined ? this.fail(`kwarg "${key}" is missing`) : value;
  }

  /** A non-negative integer argument (negative ones are redrawn at random by the reference). */
  count(key: string): number {
    const value = this.present(key);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
      this.fail(`kwarg "${key}" must be a non-negative integer, got ${JSON.stringify(value)}`);
    return value;
  }

  /** A string argument, stripped where the reference strips it. */
  text(key: string, o: { readonly strip?: boolean } = {}): string {
    const value = this.present(key);
    if (typeof value !== 'string') this.fail(`kwarg "${key}" must be a string, got ${JSON.stringify(value)}`);
    return o.strip ? pythonStrip(value) : value;
  }

  relation(key: string): Relation {
    const value = this.text(key);
    if (value !== 'less than' && value !== 'at least')
      this.fail(`kwarg "${key}" must be "less than" or "at least", got ${JSON.stringify(value)}`);
    return value;
  }

  strings(key: string): string[] {
    const value = this.present(key);
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
      this.fail(`kwarg "${key}" must be a list of strings, got ${JSON.stringify(value)}`);
    return value;
  }
}

/** Python truthiness of a JSON value. */
function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

import { UserError } from '../errors.ts';
import type { Doc } from '../documents/types.ts';

/**
 * One pipeline step, applied to one document's responses (one per repeat), as lm-eval's
 * Filter.apply does per instance. Steps that reduce (take_first, majority_vote) return one item.
 * Responses start as text; a step may turn them into other values (map: any mapped value,
 * regex_pos: lists of tags), as lm-eval's filters may.
 */
export type Filter = (responses: readonly unknown[], doc: Doc) => unknown[];

/** A step that needs text: lm-eval's string methods fail on anything else, so we name the step. */
export function textOf(filterName: string, response: unknown): string {
  if (typeof response !== 'string') {
    throw new UserError(`filter ${filterName} needs text, got ${JSON.stringify(response)} from an earlier step`, {
      field: 'filter_list',
    });
  }
  return response;
}

export function booleanArg(filterName: string, args: FilterArgs, name: string): boolean {
  const value = args[name] ?? false;
  if (typeof value !== 'boolean') {
    throw new UserError(`${name} must be true or false, got ${JSON.stringify(value)}`, {
      field: `filter ${filterName}`,
    });
  }
  return value;
}

export type FilterArgs = Readonly<Record<string, unknown>>;

export type FilterFactory = (args: FilterArgs) => Filter;

/** Unknown arguments fail loudly: lm-eval's constructors reject them too, and typos hide otherwise. */
export function checkArgNames(filterName: string, args: FilterArgs, allowed: readonly string[]): void {
  for (const key of Object.keys(args)) {
    if (!allowed.includes(key)) {
      const expected = allowed.length ? `expected ${allowed.join(', ')}` : 'it takes no arguments';
      throw new UserError(`unknown argument "${key}" (${expected})`, { field: `filter ${filterName}` });
    }
  }
}

export function stringArg(filterName: string, args: FilterArgs, name: string, fallback: string): string {
  const value = args[name] ?? fallback;
  if (typeof value !== 'string') {
    throw new UserError(`${name} must be a string, got ${JSON.stringify(value)}`, { field: `filter ${filterName}` });
  }
  return value;
}

export function integerArg(filterName: string, args: FilterArgs, name: string, fallback?: number): number {
  const value = args[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new UserError(`${name} must be an integer, got ${JSON.stringify(value)}`, { field: `filter ${filterName}` });
  }
  return value;
}

import { UserError } from '../errors.ts';
import type { ModelArgs } from './types.ts';

/** lm-eval's `a=1,b=two` model_args string. */
export function parseModelArgs(text: string): ModelArgs {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0)
      throw new UserError(
        `"${part}" is not key=value`,
        { field: '--model_args' },
        'write --model_args key=value,key2=value2',
      );
    const k = part.slice(0, eq).trim();
    if (k in out) throw new UserError(`"${k}" given twice`, { field: '--model_args' });
    out[k] = part.slice(eq + 1).trim();
  }
  return out;
}

/** Rejects model_args keys a backend does not know, so a typo never silently falls back to a default. */
export function checkArgKeys(backend: string, args: ModelArgs, known: readonly string[]): void {
  const unknown = Object.keys(args).filter((k) => !known.includes(k));
  if (unknown.length > 0)
    throw new UserError(
      `unknown ${backend} model_args key${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
      { field: '--model_args' },
      `known: ${known.join(', ')}`,
    );
}

/** A positive integer model arg, or undefined when absent. */
export function intArg(args: ModelArgs, k: string, min = 1): number | undefined {
  const v = args[k];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new UserError(`${k}=${v} is not an integer ≥ ${min}`, { field: `--model_args ${k}` });
  return n;
}

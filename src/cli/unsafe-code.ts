import { UserError } from '../errors.ts';
import { createSandbox } from '../sandbox/sandbox.ts';
import type { CodeRunner } from '../sandbox/types.ts';
import type { TaskDefinition } from '../task/types.ts';

export interface UnsafeCodeFlags {
  confirm_run_unsafe_code?: boolean;
  allow_unsafe_code?: boolean;
  predict_only?: boolean;
}

/** The flags every command that may score code tasks takes. */
export const UNSAFE_CODE_OPTIONS = [
  ['--confirm_run_unsafe_code', 'run model-written code for tasks that execute it (HumanEval, MBPP), in the sandbox'],
  ['--allow_unsafe_code', 'where the sandbox cannot isolate (no namespaces), run code with resource limits only'],
] as const;

/**
 * The sandbox for a run whose tasks execute model code, opened only when the user confirmed it
 * (lm-eval's gate): a task with `unsafe_code: true` fails before any request otherwise.
 */
export function codeRunnerFor(tasks: readonly TaskDefinition[], flags: UnsafeCodeFlags): CodeRunner | undefined {
  const unsafe = tasks.filter((t) => t.unsafeCode).map((t) => t.name);
  if (unsafe.length === 0 || flags.predict_only) return undefined;
  if (!flags.confirm_run_unsafe_code)
    throw new UserError(
      `${unsafe.join(', ')} execute${unsafe.length === 1 ? 's' : ''} model-written code`,
      { field: '--tasks' },
      'add --confirm_run_unsafe_code to run it in the sandbox, or --predict_only to only collect outputs',
    );
  return createSandbox({ allowUnsafe: !!flags.allow_unsafe_code });
}

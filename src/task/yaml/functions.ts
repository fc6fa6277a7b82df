import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ErrorLocation, UserError } from '../../errors.ts';
import { PythonHookError, type PythonHookProcess, pythonHooks } from './python-hooks/worker.ts';
import type { FunctionRef } from './yaml-file.ts';

export interface ImportOptions {
  /** The hook is lm-eval's process_docs: in Python its argument is a `datasets.Dataset`. */
  readonly datasetArg?: boolean;
  /** lm-eval calls the hook with no arguments (fewshot_config.samples); TypeScript ports get context. */
  readonly pythonTakesNoArgs?: boolean;
}

const modules = new Map<string, Promise<Record<string, unknown>>>();

/** Where a `!function` hook lives: an export of a TypeScript port, or a callable in utils.py. */
export type ResolvedHook =
  | { readonly kind: 'port'; readonly value: unknown; readonly module: string }
  | { readonly kind: 'python'; readonly path: string; readonly name: string; readonly hooks: PythonHookProcess };

/**
 * `!function utils.process_docs` in lm-eval imports `utils.py` next to the YAML. A TypeScript port
 * `utils.ts` (or .js/.mjs) in the same folder wins; otherwise utils.py itself runs in the run's
 * Python hook process.
 */
export async function importFunction(
  ref: FunctionRef,
  where: ErrorLocation,
  options: ImportOptions = {},
): Promise<(...args: unknown[]) => unknown> {
  const hook = await resolveHook(ref, where);
  if (hook.kind === 'python') return pythonFunction(hook, ref, where, options);
  if (typeof hook.value !== 'function') {
    throw new UserError(`!function ${ref.ref}: ${hook.module} has no exported function "${lastPart(ref)}"`, where);
  }
  return hook.value as (...args: unknown[]) => unknown;
}

/** The function's name as lm-eval keys it (a metric named by `!function utils.bert` is "bert"). */
export function lastPart(ref: FunctionRef): string {
  return ref.ref.split('.').pop() ?? ref.ref;
}

/** Finds the hook's module (a port first, then utils.py) and checks that it has the name. */
export async function resolveHook(ref: FunctionRef, where: ErrorLocation): Promise<ResolvedHook> {
  const parts = ref.ref.split('.');
  const exportName = parts.pop();
  const moduleName = parts.join('.');
  if (!exportName || !moduleName) {
    throw new UserError(`!function needs "module.function", got "${ref.ref}"`, where);
  }
  const base = join(dirname(ref.file), moduleName);
  const path = ['.ts', '.js', '.mjs'].map((ext) => base + ext).find((p) => existsSync(p));
  if (!path) {
    if (existsSync(`${base}.py`)) return loadPython(`${base}.py`, ref, exportName, where);
    throw new UserError(
      `!function ${ref.ref}: no ${moduleName}.py or ${moduleName}.ts next to the YAML`,
      where,
      `put lm-eval's ${moduleName}.py (or a TypeScript port, ${moduleName}.ts) beside the YAML`,
    );
  }
  let pending = modules.get(path);
  if (!pending) {
    pending = import(pathToFileURL(path).href) as Promise<Record<string, unknown>>;
    modules.set(path, pending);
  }
  let module: Record<string, unknown>;
  try {
    module = await pending;
  } catch (e) {
    modules.delete(path);
    throw new UserError(`!function ${ref.ref}: cannot load ${path}: ${(e as Error).message}`, where);
  }
  return { kind: 'port', value: module[exportName], module: `${moduleName}${path.slice(base.length)}` };
}

function loadPython(path: string, ref: FunctionRef, name: string, where: ErrorLocation): ResolvedHook {
  const hooks = pythonHooks();
  let callables: readonly string[];
  try {
    callables = hooks.load(path);
  } catch (e) {
    if (!(e instanceof PythonHookError)) throw e;
    if (e.missingModule)
      throw new UserError(
        `!function ${ref.ref}: ${path} imports "${e.missingModule}", which ${hooks.python} cannot import`,
        where,
        `install it for that interpreter (${hooks.python} -m pip install ${e.missingModule.split('.')[0]}), or give --python PATH to one that has it`,
      );
    throw new UserError(`!function ${ref.ref}: cannot load ${path}: ${e.message}`, where);
  }
  if (!callables.includes(name)) throw new UserError(`!function ${ref.ref}: ${path} has no function "${name}"`, where);
  return { kind: 'python', path, name, hooks };
}

/** Runs a Python hook call, turning the hook's own exception into one located line. */
export function callPython<T>(ref: FunctionRef, where: ErrorLocation, call: () => T): T {
  try {
    return call();
  } catch (e) {
    if (!(e instanceof PythonHookError)) throw e;
    throw new UserError(`!function ${ref.ref} raised ${e.message}${e.where ? ` (${e.where})` : ''}`, where);
  }
}

function pythonFunction(
  hook: Extract<ResolvedHook, { kind: 'python' }>,
  ref: FunctionRef,
  where: ErrorLocation,
  options: ImportOptions,
): (...args: unknown[]) => unknown {
  const { hooks, path, name } = hook;
  return (...args: unknown[]) =>
    callPython(
      ref,
      where,
      () => hooks.call(path, name, [options.pythonTakesNoArgs ? [] : args], options.datasetArg)[0],
    );
}

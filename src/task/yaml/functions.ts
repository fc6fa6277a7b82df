import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ErrorLocation, UserError } from '../../errors.ts';
import { PythonHookError, pythonHooks } from './python-hooks/worker.ts';
import type { FunctionRef } from './yaml-file.ts';

export interface ImportOptions {
  /** The hook is lm-eval's process_docs: in Python its argument is a `datasets.Dataset`. */
  readonly datasetArg?: boolean;
  /** lm-eval calls the hook with no arguments (fewshot_config.samples); TypeScript ports get context. */
  readonly pythonTakesNoArgs?: boolean;
}

const modules = new Map<string, Promise<Record<string, unknown>>>();

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
  const parts = ref.ref.split('.');
  const exportName = parts.pop();
  const moduleName = parts.join('.');
  if (!exportName || !moduleName) {
    throw new UserError(`!function needs "module.function", got "${ref.ref}"`, where);
  }
  const base = join(dirname(ref.file), moduleName);
  const path = ['.ts', '.js', '.mjs'].map((ext) => base + ext).find((p) => existsSync(p));
  if (!path) {
    if (existsSync(`${base}.py`)) return importPythonFunction(`${base}.py`, ref, exportName, where, options);
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
  const value = module[exportName];
  if (typeof value !== 'function') {
    throw new UserError(`!function ${ref.ref}: ${moduleName}.ts has no exported function "${exportName}"`, where);
  }
  return value as (...args: unknown[]) => unknown;
}

function importPythonFunction(
  path: string,
  ref: FunctionRef,
  name: string,
  where: ErrorLocation,
  options: ImportOptions,
): (...args: unknown[]) => unknown {
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
  return (...args: unknown[]) => {
    try {
      return hooks.call(path, name, [options.pythonTakesNoArgs ? [] : args], options.datasetArg)[0];
    } catch (e) {
      if (!(e instanceof PythonHookError)) throw e;
      throw new UserError(`!function ${ref.ref} raised ${e.message}${e.where ? ` (${e.where})` : ''}`, where);
    }
  };
}

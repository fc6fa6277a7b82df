import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ErrorLocation, UserError } from '../../errors.ts';
import type { FunctionRef } from './yaml-file.ts';

const modules = new Map<string, Promise<Record<string, unknown>>>();

/**
 * `!function utils.process_docs` in lm-eval imports `utils.py` next to the YAML. We import the
 * TypeScript port `utils.ts` (or .js/.mjs) from the same folder and take the export of that name.
 */
export async function importFunction(ref: FunctionRef, where: ErrorLocation): Promise<(...args: unknown[]) => unknown> {
  const parts = ref.ref.split('.');
  const exportName = parts.pop();
  const moduleName = parts.join('.');
  if (!exportName || !moduleName) {
    throw new UserError(`!function needs "module.function", got "${ref.ref}"`, where);
  }
  const base = join(dirname(ref.file), moduleName);
  const path = ['.ts', '.js', '.mjs'].map((ext) => base + ext).find((p) => existsSync(p));
  if (!path) {
    throw new UserError(
      `!function ${ref.ref}: no ${moduleName}.ts next to the YAML`,
      where,
      `lm-eval's ${moduleName}.py must be ported to TypeScript as ${moduleName}.ts exporting ${exportName} (see tasks/README.md)`,
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

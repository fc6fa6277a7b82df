import { join } from 'node:path';
import { builtinGroups, builtinTasks } from './builtin/index.ts';
import { TaskCatalog } from './catalog.ts';
import { meraTaskSource } from './mera/index.ts';
import { loadTaskYamls } from './yaml/index.ts';
import type { TaskWarning } from './yaml/index.ts';

/** The YAML tasks that ship with evalboard. */
export const SHIPPED_TASKS_DIR = join(new URL('../../', import.meta.url).pathname, 'tasks');

export interface CatalogOptions {
  /** Extra folders of task YAML (--include_path). */
  readonly includePaths: readonly string[];
  /** Local dataset folder (resolveDataDir gives a run's); undefined: no local data. */
  readonly dataDir: string | undefined;
  /** May datasets missing locally be fetched from the Hugging Face hub? */
  readonly allowNetwork?: boolean;
}

/** Built-in tasks plus the shipped and user YAML task folders. */
export async function loadCatalog(
  o: CatalogOptions,
): Promise<{ catalog: TaskCatalog; warnings: readonly TaskWarning[] }> {
  const catalog = new TaskCatalog();
  for (const task of builtinTasks()) catalog.addTask(task);
  for (const group of builtinGroups) catalog.addGroup(group);
  const index = await loadTaskYamls([SHIPPED_TASKS_DIR, ...o.includePaths], {
    ...(o.dataDir ? { dataDir: o.dataDir } : {}),
    allowNetwork: o.allowNetwork ?? false,
  });
  catalog.addSource(index);
  catalog.addSource(meraTaskSource(o.dataDir));
  return { catalog, warnings: index.warnings };
}

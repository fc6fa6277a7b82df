import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { builtinGroups, builtinTasks } from './builtin/index.ts';
import { TaskCatalog } from './catalog.ts';
import { loadTaskYamls } from './yaml/index.ts';
import type { TaskWarning } from './yaml/index.ts';

/** The YAML tasks that ship with evalboard. */
export const SHIPPED_TASKS_DIR = join(new URL('../../', import.meta.url).pathname, 'tasks');

export interface CatalogOptions {
  /** Extra folders of task YAML (--include_path). */
  readonly includePaths: readonly string[];
  /** Local datasets (--data_dir); default $EVALBOARD_DATA_DIR. */
  readonly dataDir?: string;
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
  const dataDir = o.dataDir ?? process.env.EVALBOARD_DATA_DIR ?? siblingSharedDatasets();
  const index = await loadTaskYamls([SHIPPED_TASKS_DIR, ...o.includePaths], {
    ...(dataDir ? { dataDir } : {}),
    allowNetwork: o.allowNetwork ?? false,
  });
  catalog.addSource(index);
  return { catalog, warnings: index.warnings };
}

/** A checkout next to the shared data (../shared/datasets) works with no settings. */
function siblingSharedDatasets(): string | undefined {
  const dir = join(SHIPPED_TASKS_DIR, '../../shared/datasets');
  return existsSync(dir) ? dir : undefined;
}

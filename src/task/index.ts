import { builtinGroups, builtinTasks } from './builtin/index.ts';
import { TaskCatalog } from './catalog.ts';

export { TaskCatalog } from './catalog.ts';

export interface CatalogOptions {
  /** Extra folders of task YAML (--include_path). */
  readonly includePaths: readonly string[];
}

/** Built-in tasks plus the shipped and user YAML task folders. */
export async function loadCatalog(_o: CatalogOptions): Promise<TaskCatalog> {
  const catalog = new TaskCatalog();
  for (const task of builtinTasks()) catalog.addTask(task);
  for (const group of builtinGroups) catalog.addGroup(group);
  return catalog;
}

import type { TaskSource } from '../catalog.ts';
import type { GroupDefinition, TaskDefinition } from '../types.ts';
import { MERA_TASKS } from './specs.ts';
import { MERA_PREFIX, meraTask } from './task.ts';

export { MERA_TASKS, type MeraTaskSpec } from './specs.ts';
export { MERA_PREFIX, meraTask } from './task.ts';

/**
 * MERA's tasks over a user's copy of its dataset (data/<task>/*.jsonl under the data folder), as
 * `mera_<task>`; a task whose files are absent is listed all the same and says where they go.
 */
export function meraTaskSource(dataDir: string | undefined): TaskSource {
  const specs = new Map(MERA_TASKS.map((spec) => [MERA_PREFIX + spec.name, spec]));
  return {
    list: () => [...specs.keys()].map((name) => ({ name, kind: 'task' as const })),
    get: (name): TaskDefinition | GroupDefinition => meraTask(specs.get(name)!, dataDir),
  };
}

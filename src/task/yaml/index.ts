export { loadTaskYamls } from './task-index.ts';
export type { TaskWarning, YamlTaskDefinition } from './types.ts';
export { tasksDefinedAt } from './task-index.ts';

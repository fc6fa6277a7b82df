export { aggregateSubtasks, pooledStderr } from './subtasks.ts';

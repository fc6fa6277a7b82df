export { aggregateSubtasks, pooledStderr } from './subtasks.ts';
export { aggregateTask, type MetricSummary } from './task.ts';

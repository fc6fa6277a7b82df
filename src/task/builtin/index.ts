import type { GroupDefinition, TaskDefinition } from '../types.ts';
import { syntheticGroup, syntheticTasks } from './synthetic/index.ts';

/** Tasks that ship with evalboard and need no data files. */
export function builtinTasks(): TaskDefinition[] {
  return [...syntheticTasks()];
}

export const builtinGroups: readonly GroupDefinition[] = [syntheticGroup];

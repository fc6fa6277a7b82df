import type { GroupDefinition, TaskDefinition } from '../../types.ts';
import { bpsTask } from './bps.ts';
import { lcsTask } from './lcs.ts';
import { modarTask } from './modar.ts';
import { multiarTask } from './multiar.ts';
import { simplearTask } from './simplear.ts';

/** The data-free algorithmic tasks, modelled on MERA's SimpleAr, ModAr, MultiAr, BPS and LCS. */
export function syntheticTasks(): TaskDefinition[] {
  return [simplearTask(), modarTask(), multiarTask(), bpsTask(), lcsTask()];
}

/** Each metric averages the subtasks that report it, unweighted: every skill counts the same. */
export const syntheticGroup: GroupDefinition = {
  name: 'synthetic',
  tasks: ['simplear', 'modar', 'multiar', 'bps', 'lcs'],
  aggregateMetrics: [
    { metric: 'acc', weightBySize: false },
    { metric: 'exact_match', weightBySize: false },
  ],
  version: 1,
};

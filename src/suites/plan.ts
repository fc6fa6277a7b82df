import { UserError } from '../errors.ts';
import { checkFilters, resolveMetrics } from '../scoring/metric-scorer.ts';
import type { TaskCatalog } from '../task/catalog.ts';
import type { SuiteDefinition } from './definition.ts';

export interface SuitePlan {
  /** Tasks and groups to run, one per benchmark this build can score. */
  readonly taskNames: readonly string[];
  /** Benchmark name → why it is left out (its task is not in this build, or cannot be scored here). */
  readonly unavailable: ReadonlyMap<string, string>;
}

/**
 * Which of a suite's benchmarks this build can run: a benchmark whose task is unknown, fails to
 * load, or names a metric this build lacks is left out with one line saying why, so the others
 * still run (with predictOnly no metric is needed, so only loading is checked).
 */
export function planSuite(
  suite: SuiteDefinition,
  catalog: TaskCatalog,
  o: { readonly predictOnly?: boolean } = {},
): SuitePlan {
  const taskNames: string[] = [];
  const unavailable = new Map<string, string>();
  // Taken before resolving: a definition that fails to build is dropped from the catalog.
  const known = new Set([...catalog.taskNames(), ...catalog.groupNames()]);
  for (const b of suite.benchmarks) {
    try {
      const { tasks } = catalog.resolve([b.task]);
      for (const task of tasks) {
        checkFilters(task);
        if (!o.predictOnly) resolveMetrics(task);
      }
      taskNames.push(b.task);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      unavailable.set(b.name, known.has(b.task) ? `cannot be scored in this build: ${e.message}` : 'not in this build');
    }
  }
  return { taskNames, unavailable };
}

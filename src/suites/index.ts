import { UserError } from '../errors.ts';
import type { ResultsReport } from '../report/schema.ts';
import type { TaskCatalog } from '../task/catalog.ts';
import { loadSuite } from './definition.ts';
import { planSuite } from './plan.ts';
import { scoreSuite } from './score.ts';

export { loadSuite, parseSuite, SUITES_DIR } from './definition.ts';
export { normaliseScore, normaliseSubtasks, randomBaseline } from './normalise.ts';
export { scoreSuite } from './score.ts';

export interface SuiteRun {
  /** The tasks and groups to run: the suite's, less those this build cannot score. */
  readonly taskNames: readonly string[];
  /** One line per benchmark left out, for the user before the run starts. */
  readonly notices: readonly string[];
  /** Adds the `suite` section (raw, normalised, total, setup check) to a finished run's report. */
  attach(report: ResultsReport): void;
}

/** `run --suite NAME`: what to run, and how to score it afterwards. */
export async function openSuite(
  nameOrPath: string,
  catalog: TaskCatalog,
  o: { readonly predictOnly?: boolean } = {},
): Promise<SuiteRun> {
  const suite = await loadSuite(nameOrPath);
  const plan = planSuite(suite, catalog, o);
  if (plan.taskNames.length === 0)
    throw new UserError(`none of suite ${suite.suite}'s benchmarks can run in this build`, { field: '--suite' });
  return {
    taskNames: plan.taskNames,
    notices: [...plan.unavailable].map(([name, why]) => `suite ${suite.suite}: ${name} left out (${why})`),
    attach: (report) => {
      report.suite = scoreSuite(suite, report, plan.unavailable);
    },
  };
}

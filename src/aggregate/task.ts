import { aggregations, uncertaintyFor } from '../metrics/index.ts';
import { unlistedMetric } from '../scoring/process-results.ts';
import type { ResolvedMetric, ScoredDoc } from '../scoring/types.ts';

export interface MetricSummary {
  readonly metric: string;
  readonly filter: string;
  readonly value: number;
  readonly stderr: number | null;
  /** 95 % percentile bootstrap interval; null where no stderr is defined either. */
  readonly ci: readonly [number, number] | null;
  readonly higherIsBetter: boolean;
  readonly n: number;
}

/**
 * Per (metric, filter): the aggregate over docs and its standard error. Scores a task's
 * process_results gave beyond its metric_list are aggregated too (with mean), as lm-eval does.
 */
export function aggregateTask(
  listed: readonly ResolvedMetric[],
  scored: readonly (readonly ScoredDoc[])[],
  o: { bootstrapIters: number; seed: number },
): MetricSummary[] {
  const resolved = [...listed, ...unlisted(listed, scored)];
  const out: MetricSummary[] = [];
  const filterNames = scored[0]?.map((s) => s.filter) ?? [];
  filterNames.forEach((filter, f) => {
    for (const m of resolved) {
      // process_results may leave a metric out of some docs (acc_<category>): aggregate the rest.
      const values = scored.map((doc) => doc[f]!.values[m.spec.metric]).filter((v) => v !== undefined);
      if (values.length === 0 && scored.length > 0) continue;
      const aggregate = m.aggregate ?? aggregations[m.aggregation]!;
      const { stderr, ci } = uncertaintyFor(m.aggregation, values, o);
      out.push({
        metric: m.spec.metric,
        filter,
        value: values.length ? aggregate(values) : Number.NaN,
        stderr,
        ci,
        higherIsBetter: m.higherIsBetter,
        n: values.length,
      });
    }
  });
  return out;
}

function unlisted(listed: readonly ResolvedMetric[], scored: readonly (readonly ScoredDoc[])[]): ResolvedMetric[] {
  const named = new Set(listed.map((m) => m.spec.metric));
  const extra: ResolvedMetric[] = [];
  for (const doc of scored)
    for (const { values } of doc)
      for (const name of Object.keys(values))
        if (!named.has(name)) {
          named.add(name);
          extra.push(unlistedMetric(name));
        }
  return extra;
}

import type { GroupDefinition } from '../task/types.ts';
import { groupResults, type TaskRow } from './groups.ts';
import { taskConfigHash } from './hashes.ts';
import type { ReportedTaskOutcome } from './outcome.ts';
import type { MetricEntries, PromptScores, ResultsReport, RunConfig, TaskTokenCounts } from './schema.ts';
import { REPORT_SCHEMA_VERSION } from './schema.ts';

/** Metric key as lm-eval writes it: "acc,none", "acc_stderr,none". */
const key = (metric: string, filter: string) => `${metric},${filter}`;
const stderrKey = (metric: string, filter: string) => `${metric}_stderr,${filter}`;

/**
 * The metrics a task's benchmark reports that this build cannot compute ("metric,filter" → why),
 * from its config (MERA's tasks) or its YAML metadata (`not_computed_locally`).
 */
export function notComputedLocally(config: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const metadata = config?.metadata as { not_computed_locally?: unknown } | undefined;
  const notes = config?.not_computed_locally ?? metadata?.not_computed_locally;
  if (typeof notes !== 'object' || notes === null) return {};
  return Object.fromEntries(Object.entries(notes).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export function buildReport(
  outcomes: readonly ReportedTaskOutcome[],
  groups: readonly GroupDefinition[],
  config: RunConfig,
  timing: ResultsReport['timing'],
): ResultsReport {
  const report: ResultsReport = {
    results: {},
    groups: {},
    group_subtasks: {},
    configs: {},
    versions: {},
    'n-shot': {},
    higher_is_better: {},
    'n-samples': {},
    config,
    evalboard: { schema_version: REPORT_SCHEMA_VERSION, tasks: {}, ci: {} },
    timing,
  };
  const rows: TaskRow[] = [];
  const intervalsOf = new Map<string, Record<string, [number, number] | null>>();
  // Rows in run order (the order tasks were asked for), which decides group_subtasks' order.
  for (const o of outcomes) {
    const name = o.task.name;
    const scores: MetricEntries = {};
    const sizes = new Map<string, number>();
    const better: Record<string, boolean> = {};
    const intervals: Record<string, [number, number] | null> = {};
    for (const s of o.summaries) {
      intervals[key(s.metric, s.filter)] = s.ci ? [s.ci[0], s.ci[1]] : null;
      scores[key(s.metric, s.filter)] = s.value;
      scores[stderrKey(s.metric, s.filter)] = s.stderr ?? 'N/A';
      sizes.set(key(s.metric, s.filter), s.n);
      better[s.metric] = s.higherIsBetter;
    }
    // Metrics the task reports as not computed in this build: null, with the reason in its config.
    for (const metricKey of Object.keys(notComputedLocally(o.task.config))) {
      scores[metricKey] = null;
      scores[metricKey.replace(',', '_stderr,')] = 'N/A';
    }
    rows.push({ name, alias: o.task.alias ?? name, scores, sizes, higherIsBetter: better });
    intervalsOf.set(name, intervals);
  }
  const grouped = groupResults(rows, groups);
  report.results = grouped.results;
  report.groups = grouped.groups;
  report.group_subtasks = grouped.groupSubtasks;
  const sorted = [...outcomes].sort((a, b) => a.task.name.localeCompare(b.task.name));
  for (const o of sorted) {
    const name = o.task.name;
    report.configs[name] = { ...o.task.config, num_fewshot: o.numFewshot };
    report.versions[name] = o.task.version;
    report['n-shot'][name] = o.numFewshot;
    report.higher_is_better[name] = rows.find((r) => r.name === name)!.higherIsBetter;
    report.evalboard.ci![name] = intervalsOf.get(name)!;
    report['n-samples'][name] = { original: o.docs.eval.length, effective: o.instances.length };
    const prompts = promptScores(o);
    if (prompts) report.evalboard.prompts = { ...report.evalboard.prompts, [name]: prompts };
    report.evalboard.tasks[name] = {
      ...tokenCounts(o),
      task_hash: taskConfigHash(o.task.config),
      sources: o.docs.sources ?? null,
    };
  }
  for (const group of groups) {
    if (group.isTag) continue;
    report.versions[group.name] = group.version;
    report.higher_is_better[group.name] = grouped.groupHigherIsBetter[group.name] ?? {};
  }
  return report;
}

function tokenCounts(o: ReportedTaskOutcome): TaskTokenCounts {
  const requests: Record<string, number> = {};
  let truncated = 0;
  let hitMaxTokens = 0;
  let scoredTokens = 0;
  let generatedTokens = 0;
  o.instances.forEach((inst, i) => {
    let docTruncated = false;
    inst.requests.forEach((reqs, rep) => {
      reqs.forEach((req, r) => {
        requests[req.kind] = (requests[req.kind] ?? 0) + 1;
        const result = o.results[i]![rep]![r]!;
        if ('truncated' in result && result.truncated) docTruncated = true;
        if ('text' in result) {
          generatedTokens += result.tokens;
          if (result.hitMaxTokens) hitMaxTokens++;
        } else scoredTokens += result.tokens;
      });
    });
    if (docTruncated) truncated++;
  });
  const reasoningTokens = o.thinking.reduce((n, t) => n + t.reasoningTokens, 0);
  const unterminatedReasoning = o.thinking.filter((t) => t.unterminated).length;
  return { requests, truncated, hitMaxTokens, scoredTokens, generatedTokens, reasoningTokens, unterminatedReasoning };
}

/**
 * Per metric whose task score is the mean over docs: the same mean over each prompt's docs, and how
 * far apart the prompts are. Undefined when the task's docs carry no prompt ids or only one.
 */
function promptScores(o: ReportedTaskOutcome): Record<string, PromptScores> | undefined {
  const ids = o.instances.map((inst) => inst.promptId);
  const distinct = [...new Set(ids)];
  if (distinct.length < 2 || distinct.includes(undefined)) return undefined;
  const out: Record<string, PromptScores> = {};
  for (const summary of o.summaries) {
    const sums = new Map<string, { sum: number; n: number }>();
    let total = 0;
    let n = 0;
    let numeric = true;
    o.scored.forEach((perFilter, i) => {
      const value = perFilter.find((s) => s.filter === summary.filter)?.values[summary.metric];
      if (value === undefined) return;
      if (typeof value !== 'number') numeric = false;
      const entry = sums.get(ids[i]!) ?? { sum: 0, n: 0 };
      entry.sum += Number(value);
      entry.n += 1;
      sums.set(ids[i]!, entry);
      total += Number(value);
      n += 1;
    });
    // Corpus-level aggregations (f1, mcc, perplexity) are not a mean of per-doc values: left out.
    if (!numeric || n === 0 || Math.abs(total / n - summary.value) > 1e-9) continue;
    const scores = Object.fromEntries(
      [...sums].sort(([a], [b]) => a.localeCompare(b)).map(([id, e]) => [id, e.sum / e.n]),
    );
    const values = Object.values(scores);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    out[key(summary.metric, summary.filter)] = {
      scores,
      docs: Object.fromEntries([...sums].sort(([a], [b]) => a.localeCompare(b)).map(([id, e]) => [id, e.n])),
      mean,
      spread: Math.max(...values) - Math.min(...values),
      std: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length),
    };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

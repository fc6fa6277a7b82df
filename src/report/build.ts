import { aggregateSubtasks, pooledStderr } from '../aggregate/index.ts';
import type { GroupDefinition } from '../task/types.ts';
import { taskConfigHash } from './hashes.ts';
import type { ReportedTaskOutcome } from './outcome.ts';
import type { MetricEntries, PromptScores, ResultsReport, RunConfig, TaskTokenCounts } from './schema.ts';
import { REPORT_SCHEMA_VERSION } from './schema.ts';

interface Scored {
  readonly value: number;
  readonly stderr: number | null;
  readonly n: number;
}

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
  const byName = new Map<string, Map<string, Scored>>();
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
  const sorted = [...outcomes].sort((a, b) => a.task.name.localeCompare(b.task.name));
  for (const o of sorted) {
    const name = o.task.name;
    const entries: MetricEntries = { alias: name };
    const scores = new Map<string, Scored>();
    const better: Record<string, boolean> = {};
    const intervals: Record<string, [number, number] | null> = {};
    for (const s of o.summaries) {
      intervals[key(s.metric, s.filter)] = s.ci ? [s.ci[0], s.ci[1]] : null;
      entries[key(s.metric, s.filter)] = s.value;
      entries[stderrKey(s.metric, s.filter)] = s.stderr ?? 'N/A';
      scores.set(key(s.metric, s.filter), s);
      better[s.metric] = s.higherIsBetter;
    }
    // Metrics the task reports as not computed in this build: null, with the reason in its config.
    for (const metricKey of Object.keys(notComputedLocally(o.task.config))) {
      entries[metricKey] = null;
      entries[metricKey.replace(',', '_stderr,')] = 'N/A';
    }
    byName.set(name, scores);
    report.results[name] = entries;
    report.configs[name] = { ...o.task.config, num_fewshot: o.numFewshot };
    report.versions[name] = o.task.version;
    report['n-shot'][name] = o.numFewshot;
    report.higher_is_better[name] = better;
    report['n-samples'][name] = { original: o.docs.eval.length, effective: o.instances.length };
    report.evalboard.ci![name] = intervals;
    const prompts = promptScores(o);
    if (prompts) report.evalboard.prompts = { ...report.evalboard.prompts, [name]: prompts };
    report.evalboard.tasks[name] = {
      ...tokenCounts(o),
      task_hash: taskConfigHash(o.task.config),
      sources: o.docs.sources ?? null,
    };
  }
  for (const group of orderBottomUp(groups)) {
    const entries = aggregateGroup(group, byName);
    report.groups[group.name] = { alias: group.name, ...entries.entries };
    byName.set(group.name, entries.scores);
    report.group_subtasks[group.name] = [...group.tasks];
    report.versions[group.name] = group.version;
    report.higher_is_better[group.name] = groupHigherIsBetter(group, report.higher_is_better);
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

/** A group's metric is better when higher if its subtasks agree on that. */
function groupHigherIsBetter(group: GroupDefinition, known: Record<string, Record<string, boolean>>) {
  const out: Record<string, boolean> = {};
  for (const { metric } of group.aggregateMetrics) {
    const votes = group.tasks.map((t) => known[t]?.[metric]).filter((v): v is boolean => v !== undefined);
    if (votes.length > 0) out[metric] = votes.every((v) => v === votes[0]) ? votes[0]! : true;
  }
  return out;
}

/** Subgroups before the groups that contain them. */
function orderBottomUp(groups: readonly GroupDefinition[]): GroupDefinition[] {
  const names = new Set(groups.map((g) => g.name));
  const done = new Set<string>();
  const out: GroupDefinition[] = [];
  const visit = (g: GroupDefinition) => {
    if (done.has(g.name)) return;
    done.add(g.name);
    for (const sub of g.tasks) {
      const child = names.has(sub) ? groups.find((x) => x.name === sub) : undefined;
      if (child) visit(child);
    }
    out.push(g);
  };
  groups.forEach(visit);
  return out;
}

/** lm-eval's group aggregation: (weighted) mean of subtask scores, pooled stderr. */
function aggregateGroup(group: GroupDefinition, byName: ReadonlyMap<string, ReadonlyMap<string, Scored>>) {
  const entries: MetricEntries = {};
  const scores = new Map<string, Scored>();
  const members = group.tasks.map((t) => byName.get(t)).filter((m): m is ReadonlyMap<string, Scored> => !!m);
  for (const { metric, weightBySize } of group.aggregateMetrics) {
    const filters = new Set<string>();
    for (const m of members)
      for (const k of m.keys()) if (k.startsWith(`${metric},`)) filters.add(k.slice(metric.length + 1));
    for (const filter of [...filters].sort()) {
      const parts = members.map((m) => m.get(key(metric, filter))).filter((s): s is Scored => !!s);
      if (parts.length === 0) continue;
      const sizes = parts.map((p) => p.n);
      const value = aggregateSubtasks(
        parts.map((p) => p.value),
        sizes,
        weightBySize,
      );
      const stderrs = parts.map((p) => p.stderr);
      const stderr = stderrs.every((s): s is number => s !== null) ? pooledStderr(stderrs, sizes) : null;
      entries[key(metric, filter)] = value;
      entries[stderrKey(metric, filter)] = stderr ?? 'N/A';
      scores.set(key(metric, filter), { value, stderr, n: sizes.reduce((a, b) => a + b, 0) });
    }
  }
  return { entries, scores };
}
